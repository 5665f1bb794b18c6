namespace CdcPipeline.Capture.Postgres;

/// <summary>The database is not set up for capture (wal_level, publication, a slot of another plugin); retried until fixed.</summary>
internal sealed class CaptureSetupException(string message) : Exception(message);
