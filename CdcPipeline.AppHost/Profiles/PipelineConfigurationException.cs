namespace CdcPipeline.AppHost.Profiles;

/// <summary>
/// The pipeline cannot be modelled as configured (an invalid setting, or this machine lacks what the chosen profile
/// needs). Its message is one line for the console, naming the setting or what to install.
/// </summary>
internal sealed class PipelineConfigurationException(string message) : Exception(message);
