using System.Globalization;
using CdcPipeline.ServiceDefaults.Cassandra;

namespace CdcPipeline.AppHost.Local.Cassandra;

/// <summary>
/// A keyspace's replication strategy and options, normalized as Cassandra 4.1 stores them in
/// <c>system_schema.keyspaces.replication</c>: the class by its full name, every option value as text.
/// The in-memory server holds one copy of every row whatever the factor; the options only describe the keyspace.
/// </summary>
internal sealed class CqlReplication
{
    private const string LocatorPackage = "org.apache.cassandra.locator.";

    private CqlReplication(string strategy, IReadOnlyDictionary<string, string> options)
    {
        Strategy = strategy;
        Options = options;
    }

    /// <summary>The strategy of the node-local system keyspaces (<c>system</c>, <c>system_schema</c>).</summary>
    public static CqlReplication Local { get; } = new("LocalStrategy", new SortedDictionary<string, string>(StringComparer.Ordinal));

    /// <summary>The class name without the <c>org.apache.cassandra.locator.</c> package (<c>SimpleStrategy</c>).</summary>
    public string Strategy { get; }

    public IReadOnlyDictionary<string, string> Options { get; }

    /// <summary>Validates and normalizes the replication map of a CREATE KEYSPACE, with Cassandra's ConfigurationException messages.</summary>
    public static CqlReplication FromStatement(string keyspace, IReadOnlyDictionary<string, string>? given, string dataCenter)
    {
        var options = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in given ?? new Dictionary<string, string>())
        {
            options[key] = value;
        }

        if (!options.Remove("class", out var className))
        {
            throw Config("Missing replication strategy class");
        }

        var strategy = className.StartsWith(LocatorPackage, StringComparison.Ordinal) ? className[LocatorPackage.Length..] : className;
        switch (strategy)
        {
            case "SimpleStrategy":
                if (!options.TryGetValue("replication_factor", out var factor))
                {
                    throw Config("SimpleStrategy requires a replication_factor strategy option.");
                }

                ValidateFactor(factor);
                if (options.Keys.FirstOrDefault(k => k != "replication_factor") is { } unknown)
                {
                    throw Config($"Unrecognized strategy option {{{unknown}}} passed to SimpleStrategy for keyspace {keyspace}");
                }

                break;
            case "NetworkTopologyStrategy":
                // Cassandra 4 expands a replication_factor option to every data center that has no factor of its own.
                if (options.Remove("replication_factor", out var everywhere))
                {
                    options.TryAdd(dataCenter, everywhere);
                }

                foreach (var (center, centerFactor) in options)
                {
                    if (center != dataCenter)
                    {
                        throw Config($"Unrecognized strategy option {{{center}}} passed to NetworkTopologyStrategy for keyspace {keyspace}");
                    }

                    ValidateFactor(centerFactor);
                }

                break;
            case "LocalStrategy" or "EverywhereStrategy" or "MetaStrategy":
                throw Config($"Unable to use given strategy class: {strategy} is reserved for internal use.");
            default:
                throw Config($"Unable to find replication strategy class '{(className.Contains('.', StringComparison.Ordinal) ? className : LocatorPackage + className)}'");
        }

        return new CqlReplication(strategy, options);
    }

    /// <summary>The map of <c>system_schema.keyspaces.replication</c>: the full class name and the options.</summary>
    public IReadOnlyDictionary<string, string> ToSchemaMap()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal) { ["class"] = LocatorPackage + Strategy };
        foreach (var (key, value) in Options)
        {
            map[key] = value;
        }

        return map;
    }

    /// <summary>The map as DESCRIBE prints it: <c>{'class': 'SimpleStrategy', 'replication_factor': '1'}</c>.</summary>
    public string ToCql() =>
        "{" + string.Join(", ", new[] { $"'class': {CqlNames.Literal(Strategy)}" }
            .Concat(Options.Select(o => $"{CqlNames.Literal(o.Key)}: {CqlNames.Literal(o.Value)}"))) + "}";

    private static void ValidateFactor(string factor)
    {
        if (!int.TryParse(factor, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw Config(factor.StartsWith('-') ? $"Replication factor must be non-negative; found {factor}" : $"Replication factor must be numeric; found {factor}");
        }
    }

    private static CqlServerException Config(string message) => new(CqlErrorCode.ConfigError, message);
}
