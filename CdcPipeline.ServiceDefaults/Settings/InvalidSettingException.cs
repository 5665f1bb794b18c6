namespace CdcPipeline.ServiceDefaults.Settings;

/// <summary>
/// A setting the service cannot run with. Its message is the one line a person reads: the setting, its value (unless
/// it may hold a secret) and what is allowed. <see cref="ServiceStartup"/> prints it and exits with code 1.
/// </summary>
public sealed class InvalidSettingException : InvalidOperationException
{
    public InvalidSettingException(string message)
        : base(message)
    {
    }

    public InvalidSettingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
