using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Local.Postgres;

/// <summary>
/// A PostgreSQL server run from this machine's binaries (<see cref="Installation"/>) on a fresh data directory under
/// <see cref="RootDirectory"/>, which is removed when the AppHost stops. Its connection string has the shape of the
/// container's: <c>Host=127.0.0.1;Port=...;Username=postgres;Password=...</c>.
/// </summary>
internal sealed class LocalPostgresServerResource(string name, PostgresInstallation installation, string rootDirectory, ParameterResource password)
    : ExecutableResource(name, FastShutdown.Shell, rootDirectory), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";

    private readonly List<LocalPostgresDatabaseResource> _databases = [];
    private EndpointReference? _primaryEndpoint;

    public PostgresInstallation Installation { get; } = installation;

    /// <summary>This run's directory: the data directory, the unix socket, the owner file. Removed when the AppHost stops.</summary>
    public string RootDirectory { get; } = rootDirectory;

    public string DataDirectory => Path.Combine(RootDirectory, "data");

    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public IReadOnlyList<LocalPostgresDatabaseResource> Databases => _databases;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PostgresServerSettings.ListenAddress};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={PostgresServiceUser.SuperUser};Password={PasswordParameter}");

    internal void AddDatabase(LocalPostgresDatabaseResource database) => _databases.Add(database);
}
