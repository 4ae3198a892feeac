using System.Security.Cryptography.X509Certificates;

namespace ActorConnect.Security.Tests;

public sealed class PeerCertificatesTests(TestStores stores) : IClassFixture<TestStores>
{
    [Fact]
    public void A_certificate_signed_by_a_trusted_CA_is_accepted_and_only_the_given_CAs_count()
    {
        Assert.True(PeerCertificates.Check(stores.Leaf, new X509Certificate2Collection(stores.Ca), usage: PeerCertificates.ClientAuth).Accepted);

        using var other = TestStores.ValidBetween(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var verdict = PeerCertificates.Check(stores.Leaf, new X509Certificate2Collection(other.Ca));
        Assert.Equal(CertificateProblem.Untrusted, verdict.Problem);
        Assert.Contains("(CN=client, issued by CN=test-ca) is not signed by a trusted CA", verdict.Description);
    }

    [Fact]
    public void An_expired_certificate_is_named_as_expired_with_its_dates()
    {
        using var expired = TestStores.ValidBetween(DateTimeOffset.UtcNow.AddDays(-20), DateTimeOffset.UtcNow.AddDays(-1));
        var verdict = PeerCertificates.Check(expired.Leaf, new X509Certificate2Collection(expired.Ca));
        Assert.Equal(CertificateProblem.Expired, verdict.Problem);
        Assert.Contains("has expired: it is valid from", verdict.Description);
    }
}
