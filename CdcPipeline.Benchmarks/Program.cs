using CdcPipeline.Benchmarks;

try
{
    var options = BenchmarkOptions.Parse(args);
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    var report = await BenchmarkRun.RunAsync(options, args, Console.Error, stop.Token);
    Console.WriteLine(report.ToMarkdown());
    await File.WriteAllTextAsync(options.Output, report.ToJson());
    Console.Error.WriteLine($"Results written to {Path.GetFullPath(options.Output)}");
    return 0;
}
catch (BenchmarkSetupException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
