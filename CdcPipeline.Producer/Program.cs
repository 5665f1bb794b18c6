using CdcPipeline.Producer;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();

await app.RunAsync();

return app.Services.GetRequiredService<ProducerRunOutcome>().ExitCode;
