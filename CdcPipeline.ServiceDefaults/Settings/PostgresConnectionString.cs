using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace CdcPipeline.ServiceDefaults.Settings;

/// <summary>Checks <c>ConnectionStrings:{name}</c> as Npgsql reads it, naming the setting and the key it refuses.</summary>
public static class PostgresConnectionString
{
    /// <summary>Where Aspire.Npgsql also looks for the connection string.</summary>
    public const string AspireSetting = "Aspire:Npgsql:ConnectionString";

    public const string ExpectedForm = "expected Host=host;Port=5432;Username=..;Password=..;Database=..";

    /// <summary>
    /// The connection string as Npgsql reads it; throws <see cref="InvalidSettingException"/> when it is missing or
    /// Npgsql refuses it, never showing its value (it holds the password).
    /// </summary>
    public static NpgsqlConnectionStringBuilder Validate(IConfiguration configuration, string connectionName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var setting = $"ConnectionStrings:{connectionName}";
        var connectionString = configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString) && configuration[AspireSetting] is { Length: > 0 } aspire)
        {
            (setting, connectionString) = (AspireSetting, aspire);
        }

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidSettingException($"{setting} is not set: {ExpectedForm}.");
        }

        DbConnectionStringBuilder pairs;
        try
        {
            pairs = new DbConnectionStringBuilder { ConnectionString = connectionString };
        }
        catch (ArgumentException e)
        {
            throw new InvalidSettingException($"{setting} is not valid (it is not a list of key=value pairs separated by ';'): {ExpectedForm}.", e);
        }

        var npgsql = new NpgsqlConnectionStringBuilder();
        foreach (string key in pairs.Keys)
        {
            if (!npgsql.ContainsKey(key))
            {
                throw new InvalidSettingException($"{setting} is not valid (unknown key '{AsWritten(connectionString, key)}'): {ExpectedForm}.");
            }

            try
            {
                npgsql[key] = pairs[key];
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
            {
                throw new InvalidSettingException($"{setting} is not valid (the value of {AsWritten(connectionString, key)} is not one Npgsql accepts): {ExpectedForm}.", e);
            }
        }

        return npgsql;
    }

    /// <summary>The key as the user wrote it (the parser lower-cases keys).</summary>
    private static string AsWritten(string connectionString, string key)
    {
        var at = connectionString.IndexOf(key, StringComparison.OrdinalIgnoreCase);
        return at < 0 ? key : connectionString.Substring(at, key.Length);
    }
}
