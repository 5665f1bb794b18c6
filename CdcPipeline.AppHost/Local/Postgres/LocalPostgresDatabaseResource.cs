using System.Data.Common;
using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Local.Postgres;

/// <summary>
/// A database of a <see cref="LocalPostgresServerResource"/>, created (with its schema scripts applied) once the
/// server is healthy and before anything waiting for it starts. Connection string: the server's plus <c>Database=...</c>.
/// </summary>
internal sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;

    public LocalPostgresServerResource Parent { get; } = parent;

    /// <summary>The <c>*.sql</c> files applied in name order after the database is created; null for none.</summary>
    public string? SchemaScriptsDirectory { get; internal set; }

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"{Parent};{new DbConnectionStringBuilder { ["Database"] = DatabaseName }.ConnectionString}");
}
