using CdcPipeline.Producer;
using CdcPipeline.Producer.Hosting;
using CdcPipeline.ServiceDefaults;

return await ServiceStartup.RunAsync(
    args,
    builder => builder.AddApplicationServices(),
    services =>
    {
        var outcome = services.GetRequiredService<ProducerRunOutcome>();
        return () => outcome.ExitCode;
    });
