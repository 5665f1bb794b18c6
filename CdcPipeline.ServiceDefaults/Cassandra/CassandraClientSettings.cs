using System.Data.Common;
using System.Globalization;
using CdcPipeline.ServiceDefaults.Settings;

namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>
/// Settings of the session registered with <c>AddCassandraSession</c>: bound from <c>Aspire:Cassandra:Client</c>,
/// then the connection string <c>ConnectionStrings:{name}</c>
/// (<c>Contact Points=host[,host];Port=9042[;Username=..;Password=..][;Keyspace=..]</c>), then a delegate.
/// </summary>
public sealed class CassandraClientSettings
{
    public const string ConfigurationSection = "Aspire:Cassandra:Client";
    public const int DefaultPort = 9042;

    public string? ConnectionString { get; set; }

    public List<string> ContactPoints { get; set; } = [];

    public int Port { get; set; } = DefaultPort;

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The keyspace every connection switches to (<c>USE</c>) once connected; none when null.</summary>
    public string? Keyspace { get; set; }

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(12);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public CqlConsistency DefaultConsistency { get; set; } = CqlConsistency.LocalQuorum;

    /// <summary>Rows per page of a query when the request does not say.</summary>
    public int PageSize { get; set; } = 5000;

    /// <summary>Further connection attempts (with exponential backoff) before a request gives up on connecting.</summary>
    public int ReconnectAttempts { get; set; } = 3;

    public TimeSpan ReconnectBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public bool DisableHealthChecks { get; set; }

    public bool DisableTracing { get; set; }

    public bool DisableMetrics { get; set; }

    /// <summary>What <c>ConnectionStrings:{name}</c> must look like, as the refusals say it.</summary>
    public const string ExpectedForm = "expected Contact Points=host[,host];Port=9042[;Username=..;Password=..][;Keyspace=..]";

    /// <summary>Copies contact points, port, credentials and keyspace from <see cref="ConnectionString"/>, when set.</summary>
    public void ApplyConnectionString() => Apply("The Cassandra connection string");

    /// <summary>As <see cref="ApplyConnectionString()"/>, naming <c>ConnectionStrings:{connectionName}</c> when it refuses the connection string.</summary>
    public void ApplyConnectionString(string connectionName) => Apply($"ConnectionStrings:{connectionName}");

    private void Apply(string setting)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            return;
        }

        DbConnectionStringBuilder builder;
        try
        {
            builder = new DbConnectionStringBuilder { ConnectionString = ConnectionString };
        }
        catch (ArgumentException e)
        {
            throw new InvalidSettingException($"{setting} is not valid (it is not a list of key=value pairs separated by ';'): {ExpectedForm}.", e);
        }

        foreach (string key in builder.Keys)
        {
            var value = Convert.ToString(builder[key], CultureInfo.InvariantCulture) ?? string.Empty;
            switch (key.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant())
            {
                case "contactpoints" or "host" or "hosts":
                    ContactPoints = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    break;
                case "port":
                    Port = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                        ? port
                        : throw new InvalidSettingException($"{setting} is not valid (Port={value} is not a port number): {ExpectedForm}.");
                    break;
                case "username" or "userid" or "user":
                    Username = value;
                    break;
                case "password":
                    Password = value;
                    break;
                case "keyspace" or "defaultkeyspace":
                    Keyspace = value;
                    break;
                default:
                    throw new InvalidSettingException($"{setting} is not valid (unknown key '{key}'): {ExpectedForm}.");
            }
        }
    }

    /// <summary>Throws with a message naming the setting when the settings cannot work.</summary>
    public void Validate(string connectionName)
    {
        if (ContactPoints.Count == 0 || ContactPoints.Any(string.IsNullOrWhiteSpace))
        {
            throw new InvalidSettingException(
                $"ConnectionStrings:{connectionName} is not set (Cassandra client '{connectionName}' has no contact points): {ExpectedForm}, " +
                $"or set '{ConfigurationSection}:ContactPoints'.");
        }

        if (Port is < 1 or > 65535)
        {
            throw new InvalidSettingException($"Cassandra client '{connectionName}' has Port={Port}; it must be between 1 and 65535.");
        }

        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
        {
            throw new InvalidSettingException(
                $"Cassandra client '{connectionName}' has a {(string.IsNullOrEmpty(Username) ? "Password without a Username" : "Username without a Password")}: set both or neither.");
        }

        if (RequestTimeout <= TimeSpan.Zero || ConnectTimeout <= TimeSpan.Zero)
        {
            throw new InvalidSettingException(
                $"Cassandra client '{connectionName}' needs positive timeouts ({ConfigurationSection}:RequestTimeout={RequestTimeout}, ConnectTimeout={ConnectTimeout}).");
        }

        if (PageSize <= 0)
        {
            throw new InvalidSettingException($"Cassandra client '{connectionName}' has {ConfigurationSection}:PageSize={PageSize}; it must be positive.");
        }

        if (ReconnectAttempts < 0 || ReconnectBaseDelay < TimeSpan.Zero)
        {
            throw new InvalidSettingException(
                $"Cassandra client '{connectionName}' has a negative {ConfigurationSection}:ReconnectAttempts or ReconnectBaseDelay.");
        }
    }
}
