using CdcPipeline.Consumer;
using CdcPipeline.ServiceDefaults;

return await ServiceStartup.RunAsync(args, builder => builder.AddApplicationServices());
