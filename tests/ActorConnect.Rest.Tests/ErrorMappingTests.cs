using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Errors;

namespace ActorConnect.Rest.Tests;

/// <summary>The runtime's exception types map to Kafka Connect's status codes; anything unexpected is a 500 that still names its cause.</summary>
public sealed class ErrorMappingTests
{
    public static TheoryData<Exception, int> Cases => new()
    {
        { new NotFoundException("Connector x not found"), 404 },
        { new AlreadyExistsException("Connector x already exists"), 409 },
        { new ConflictException("in progress"), 409 },
        { new ConfigException("topic", null, "required"), 400 },
        { new BadRequestException("not STOPPED"), 400 },
        { new ForbiddenException("topic.tracking.enable=false"), 403 },
        { new RestException(503, "starting"), 503 },
        { new InvalidOperationException("boom"), 500 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Maps_exception_types_to_status_codes(Exception exception, int status)
    {
        var (code, message) = ErrorHandling.Describe(exception);
        Assert.Equal(status, code);
        Assert.Contains(exception.Message, message, StringComparison.Ordinal);
    }
}
