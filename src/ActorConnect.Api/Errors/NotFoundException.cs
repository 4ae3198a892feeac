namespace ActorConnect.Api.Errors;

/// <summary>A connector, task or plugin that does not exist (REST maps it to 404).</summary>
public class NotFoundException : ConnectException
{
    /// <summary>Creates a not-found exception.</summary>
    public NotFoundException(string message) : base(message) { }
}

/// <summary>A connector that already exists (REST maps it to 409).</summary>
public class AlreadyExistsException : ConnectException
{
    /// <summary>Creates an already-exists exception.</summary>
    public AlreadyExistsException(string message) : base(message) { }
}
