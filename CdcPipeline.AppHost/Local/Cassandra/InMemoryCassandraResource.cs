using Aspire.Hosting.ApplicationModel;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>
/// A CQL server in the AppHost's memory (<see cref="InMemoryCqlServer"/>). Its connection string is
/// <c>Contact Points=127.0.0.1;Port=&lt;port&gt;</c>, the container's form, known once the server listens.
/// </summary>
internal sealed class InMemoryCassandraResource : Resource, IResourceWithConnectionString
{
    public const string ResourceType = "Cassandra (in-memory)";

    internal InMemoryCassandraResource(string name) : base(name) =>
        ConnectionString = new StartedValue($"{{{name}.connectionString}}");

    /// <summary>The running server; null until it has started.</summary>
    public InMemoryCqlServer? Server { get; internal set; }

    internal StartedValue ConnectionString { get; }

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{ConnectionString}");
}
