namespace CdcPipeline.Tests.Infrastructure.Postgres;

/// <summary>The server could not bind its port (another process took it).</summary>
internal sealed class PortInUseException(string message, Exception inner) : Exception(message, inner);
