using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.Tests.AppHost;

public sealed class PostgresModelTests
{
    [Fact]
    public async Task Postgres_starts_with_logical_replication_and_room_for_slots_and_senders()
    {
        await using var model = await AppHostModel.CreateAsync();

        var args = await model.ArgumentsAsync("postgres");
        var settings = args.Where((_, i) => i > 0 && args[i - 1] == "-c").ToArray();

        Assert.Contains("wal_level=logical", settings);
        Assert.True(IntSetting(settings, "max_replication_slots") >= 4);
        Assert.True(IntSetting(settings, "max_wal_senders") >= 4);
    }

    [Fact]
    public async Task Postgres_password_comes_from_the_secret_parameter()
    {
        await using var model = await AppHostModel.CreateAsync();

        var parameter = model.Resource<ParameterResource>("postgres-password");
        var env = await model.EnvironmentAsync("postgres");

        Assert.True(parameter.Secret);
        Assert.Equal("{postgres-password.value}", env["POSTGRES_PASSWORD"]);
    }

    [Fact]
    public async Task Schema_scripts_run_in_cdc_db_when_the_data_directory_is_created()
    {
        await using var model = await AppHostModel.CreateAsync();

        var database = model.Resource<PostgresDatabaseResource>("cdcdb");
        var env = await model.EnvironmentAsync("postgres");
        var init = Assert.Single(model.Resource("postgres").Annotations.OfType<ContainerFileSystemCallbackAnnotation>(),
            a => a.DestinationPath == "/docker-entrypoint-initdb.d");
        var files = await init.Callback(
            new ContainerFileSystemCallbackContext { Model = database.Parent, Services = EmptyServices.Instance },
            TestContext.Current.CancellationToken);

        Assert.Equal("cdc_db", database.DatabaseName);
        // The image runs its init scripts against POSTGRES_DB: that must be the database the services use.
        Assert.Equal(database.DatabaseName, env["POSTGRES_DB"]);
        var scripts = Directory.GetFiles(Path.Combine(model.AppHostDirectory, "..", "sql", "postgres"), "*.sql").Select(Path.GetFileName).Order();
        Assert.Equal(scripts, files.OfType<ContainerFile>().Select(f => f.Name).Order());
        Assert.NotEmpty(scripts);
    }

    [Fact]
    public async Task Postgres_data_lives_on_a_persistent_volume_at_PGDATA()
    {
        await using var model = await AppHostModel.CreateAsync();

        var env = await model.EnvironmentAsync("postgres");
        var volume = Assert.Single(model.Resource("postgres").Annotations.OfType<ContainerMountAnnotation>());

        Assert.Equal(ContainerMountType.Volume, volume.Type);
        Assert.Equal(env["PGDATA"], volume.Target);
    }

    private static int IntSetting(IEnumerable<string> settings, string name) =>
        int.Parse(Assert.Single(settings, s => s.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..],
            System.Globalization.CultureInfo.InvariantCulture);

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
