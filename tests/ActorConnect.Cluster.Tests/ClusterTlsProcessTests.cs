using System.Text.RegularExpressions;
using System.Diagnostics;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Storage;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Cluster.Tests;

/// <summary>Real <c>actorconnect distributed</c> processes whose remoting speaks mutual TLS (<c>cluster.ssl.*</c>).</summary>
[Collection("kafka")]
public sealed class ClusterTlsProcessTests(KafkaFixture kafka, ITestOutputHelper output)
{
    private const string Password = "node-secret";

    [Fact]
    public async Task Three_workers_over_mutual_TLS_fail_over_a_SIGKILL_and_refuse_a_worker_without_a_certificate_and_one_from_another_CA()
    {
        var certificates = RepoPaths.NewTempDirectory("cluster-tls");
        using var ca = new TestCertificateAuthority("cluster-ca", certificates);
        using var otherCa = new TestCertificateAuthority("other-ca", certificates);
        // A PKCS12 store for two nodes and a PEM file (certificate and key) for the third: both forms users have.
        var stores = new[] { ca.IssuePkcs12("node0", Password), ca.IssuePkcs12("node1", Password), ca.IssuePem("node2") };
        await using var cluster = await ProcessCluster.StartAsync(kafka, output, nodeProperties: node => ca.NodeProperties(stores[node], node == 2 ? null : Password));
        Assert.All(cluster.Nodes.Values, node => Assert.Contains(node.Lines, l => l.Contains("Cluster remoting uses mutual TLS", StringComparison.Ordinal)));
        Assert.All(cluster.Nodes.Values, node => Assert.DoesNotContain(node.Lines, l => l.Contains("without TLS", StringComparison.Ordinal)));

        var topic = await cluster.Topics.SourceTopicAsync(partitions: 3);
        var name = KafkaFixture.UniqueName("seq");
        var config = new Dictionary<string, string>(ClusterHarness.SourceConfig(name, topic, 3)) { ["topic.partitions"] = "3" };
        cluster.Configs.Put(new StoredConnector(name, config, TargetState.Started));
        var connector = await cluster.RunningOnAsync(name, 3, notOn: null);
        await cluster.RecordsFlowAsync(topic);

        // A worker with no cluster.ssl.* speaks plain TCP to the TLS port; one with a certificate of another CA speaks
        // TLS, but neither side accepts the other's certificate.
        // The first is given a TLS node as its seed (seeds win over discovery); a third, without seeds, finds the TLS
        // workers through Kafka and does not even try.
        var tlsNode = cluster.Nodes.Values.First().Lines.Select(l => Regex.Match(l, @"cluster address akka\.ssl\.tcp://actorconnect@([0-9.]+:\d+)")).First(m => m.Success);
        var plain = await cluster.StartOutsiderAsync("no-certificate", new Dictionary<string, string> { ["cluster.seed.nodes"] = tlsNode.Groups[1].Value });
        var plainFinding = await cluster.StartOutsiderAsync("no-certificate-no-seeds", new Dictionary<string, string>());
        var foreign = await cluster.StartOutsiderAsync("other-ca", otherCa.NodeProperties(otherCa.IssuePkcs12("intruder", Password), Password));
        await foreign.WaitForOutputAsync(l => l.Contains("Refused to connect to cluster node 127.0.0.1:", StringComparison.Ordinal)
                                              && l.Contains("its certificate (CN=node", StringComparison.Ordinal)
                                              && l.Contains("is not signed by the CA in cluster.ssl.truststore.location", StringComparison.Ordinal), ProcessCluster.Timeout);
        await foreign.WaitForOutputAsync("This node stopped because a TLS handshake with another cluster node failed", ProcessCluster.Timeout);
        Assert.Equal(1, await foreign.WaitForExitAsync(ProcessCluster.Timeout));
        await Eventually.AssertAsync(() => cluster.Nodes.Values.Any(n => n.Lines.Any(l => l.Contains("Refused a cluster connection from 127.0.0.1:", StringComparison.Ordinal)
                                                                                             && l.Contains("its certificate (CN=intruder, issued by CN=other-ca) is not signed by the CA in cluster.ssl.truststore.location", StringComparison.Ordinal))),
            ProcessCluster.Timeout, "a node logged why it refused the node of another CA");
        await Eventually.AssertAsync(() => cluster.Nodes.Values.Any(n => n.Lines.Any(l => l.Contains("Rejected incoming connection from", StringComparison.Ordinal)
                                                                                             && l.Contains("due to TLS handshake failure", StringComparison.Ordinal))),
            ProcessCluster.Timeout, "a node logged that it refused the plain TCP connection");

        // Work goes on over the three: a SIGKILLed node's connector and tasks move to a survivor.
        Assert.All(cluster.Nodes.Values, n => Assert.False(n.HasExited));
        var victim = connector.WorkerId;
        var clock = Stopwatch.StartNew();
        cluster.Nodes[victim].KillHard();
        var moved = await cluster.RunningOnAsync(name, 3, notOn: victim);
        output.WriteLine($"SIGKILL {victim}: all RUNNING again on {moved.WorkerId} in {clock.Elapsed.TotalSeconds:N1} s");
        await cluster.RecordsFlowAsync(topic);

        // The node without a certificate keeps trying, and says why it may not be let in.
        await plain.WaitForOutputAsync(l => l.Contains("This node has not joined a cluster", StringComparison.Ordinal)
                                            && l.Contains("this node has no cluster.ssl.* and speaks plain TCP", StringComparison.Ordinal), ProcessCluster.Timeout);
        await plainFinding.WaitForOutputAsync(l => l.Contains("This worker runs nothing: the live workers of group.id", StringComparison.Ordinal)
                                                   && l.Contains("use mutual TLS (cluster.ssl.* set), and this worker has no cluster.ssl.* and speaks plain TCP", StringComparison.Ordinal),
            ProcessCluster.Timeout);
        Assert.All(cluster.Nodes.Values.Append(plain).Append(foreign).Append(plainFinding), p => Assert.DoesNotContain(p.Lines, l => l.Contains("(4 Up)", StringComparison.Ordinal)));
        Assert.All(new[] { plain, foreign, plainFinding }, p => Assert.DoesNotContain(p.Lines, l => l.Contains(" Up)", StringComparison.Ordinal)));
        Assert.All(new[] { plain, foreign, plainFinding }, p => Assert.DoesNotContain(p.Lines, l => l.Contains("Task ", StringComparison.Ordinal) && l.Contains(" started", StringComparison.Ordinal)));
    }
}
