using CdcPipeline.Capture;
using CdcPipeline.ServiceDefaults;

return await ServiceStartup.RunAsync(args, builder => builder.AddApplicationServices());
