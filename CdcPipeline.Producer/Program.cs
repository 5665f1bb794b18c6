using CdcPipeline.Producer;
using CdcPipeline.Producer.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();

var outcome = app.Services.GetRequiredService<ProducerRunOutcome>();
await app.RunAsync();

return outcome.ExitCode;
