using System.Collections.Concurrent;
using System.Diagnostics;
using CdcPipeline.ServiceDefaults.Cassandra.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>
/// A session with Cassandra over one multiplexed connection, opened lazily on the first request and reopened
/// (with backoff) by the first request after it was lost; requests arriving meanwhile share that one attempt. Requests that were pending when the connection broke
/// fail with <see cref="CqlConnectionException"/>; they are not retried here, since only the caller knows whether
/// a statement is safe to repeat.
/// </summary>
public sealed class CqlSession : IAsyncDisposable
{
    private readonly CassandraClientSettings _settings;
    private readonly ILogger _logger;
    private readonly CassandraTelemetry? _telemetry;
    private readonly ConcurrentDictionary<(string? Keyspace, string Query), PreparedStatement> _prepared = new();
    private readonly CqlReconnectingConnection _connection;
    private volatile string? _keyspace;

    /// <param name="telemetry">Where request durations are measured; none are without it.</param>
    public CqlSession(CassandraClientSettings settings, ILogger<CqlSession>? logger = null, CassandraTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate("cassandra");
        _settings = settings;
        _logger = logger ?? NullLogger<CqlSession>.Instance;
        _telemetry = telemetry;
        _keyspace = settings.Keyspace;
        _connection = new CqlReconnectingConnection(settings, _logger, () => _keyspace, owner: this);
    }

    /// <summary>The keyspace unqualified table names refer to (from the settings or the last <c>USE</c>).</summary>
    public string? Keyspace => _keyspace;

    /// <summary>Opens the connection now instead of on the first request.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default) =>
        await _connection.GetAsync(cancellationToken).ConfigureAwait(false);

    public Task<CqlResult> ExecuteAsync(string cql, params object?[]? values) =>
        ExecuteAsync(CqlStatement.Simple(cql, values));

    public Task<CqlResult> ExecuteAsync(PreparedStatement statement, params object?[]? values) =>
        ExecuteAsync(CqlStatement.Prepared(statement, values));

    public Task<CqlResult> ExecuteAsync(PreparedStatement statement, CqlQueryOptions? options, params object?[]? values) =>
        ExecuteAsync(CqlStatement.Prepared(statement, values), options);

    /// <summary>Runs one statement: QUERY for CQL text, EXECUTE for a prepared statement (re-preparing it if the server forgot it).</summary>
    public Task<CqlResult> ExecuteAsync(CqlStatement statement, CqlQueryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ObjectDisposedException.ThrowIf(_connection.IsDisposed, this);
        options ??= new CqlQueryOptions();
        var consistency = options.Consistency ?? _settings.DefaultConsistency;
        return InstrumentAsync(
            CqlActivities.OperationOf(statement.Query),
            statement.Query,
            consistency,
            batchSize: null,
            async (connection, activity) =>
            {
                var result = await RunAsync(connection, statement, options, consistency, cancellationToken).ConfigureAwait(false);
                activity?.SetTag("db.response.returned_rows", result.Rows?.CurrentPage.Count);
                return result;
            },
            cancellationToken);
    }

    public Task<CqlRowSet> QueryAsync(string cql, params object?[]? values) => QueryAsync(CqlStatement.Simple(cql, values));

    public Task<CqlRowSet> QueryAsync(PreparedStatement statement, params object?[]? values) => QueryAsync(CqlStatement.Prepared(statement, values));

    /// <summary>Runs a statement that returns rows; enumerate the row set to read every page.</summary>
    public async Task<CqlRowSet> QueryAsync(CqlStatement statement, CqlQueryOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = await ExecuteAsync(statement, options, cancellationToken).ConfigureAwait(false);
        return result.Rows ?? throw new CqlException($"The statement '{statement.Query}' returned {result.Kind}, not rows.");
    }

    /// <summary>Prepares a statement once per keyspace and query text; later calls return the same instance.</summary>
    public async Task<PreparedStatement> PrepareAsync(string cql, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cql);
        ObjectDisposedException.ThrowIf(_connection.IsDisposed, this);
        var keyspace = _keyspace;
        if (_prepared.TryGetValue((keyspace, cql), out var cached))
        {
            return cached;
        }

        var prepared = await InstrumentAsync(
            "PREPARE",
            cql,
            _settings.DefaultConsistency,
            batchSize: null,
            (connection, _) => PrepareOnAsync(connection, cql, keyspace, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return _prepared.GetOrAdd((keyspace, cql), prepared);
    }

    /// <summary>Applies a BATCH; prepared children the server forgot are re-prepared and the batch is sent again.</summary>
    public async Task BatchAsync(CqlBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_connection.IsDisposed, this);
        if (batch.Statements.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one statement.", nameof(batch));
        }

        var consistency = batch.Consistency ?? _settings.DefaultConsistency;
        await InstrumentAsync(
            "BATCH",
            string.Join("; ", batch.Statements.Select(s => s.Query).Distinct()),
            consistency,
            batch.Statements.Count,
            async (connection, _) =>
            {
                await SendBatchAsync(connection, batch, consistency, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Health probe: reads <c>release_version</c> from <c>system.local</c> without a trace span.</summary>
    internal async Task<string?> ReadReleaseVersionAsync(CancellationToken cancellationToken)
    {
        var connection = await _connection.GetAsync(cancellationToken).ConfigureAwait(false);
        var body = CqlRequests.Query("SELECT release_version FROM system.local", new CqlQueryParameters(CqlConsistency.One, []));
        var frame = await connection.SendAsync(CqlOpcode.Query, body, _settings.RequestTimeout, cancellationToken).ConfigureAwait(false);
        var decoded = CqlResultDecoder.Decode(frame.Body);
        return decoded.Rows is [var row, ..] ? row.Get<string?>(0) : null;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task SendBatchAsync(CqlConnection connection, CqlBatch batch, CqlConsistency consistency, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var children = batch.Statements
                .Select(s => ((string?)(s.PreparedStatement is null ? s.Query : null), s.PreparedStatement?.Id, (IReadOnlyList<CqlValue>)CqlStatementValues.Serialize(s)))
                .ToList();
            var body = CqlRequests.Batch(batch.Type, children, consistency, batch.SerialConsistency, batch.Timestamp);
            try
            {
                await connection.SendAsync(CqlOpcode.Batch, body, batch.Timeout ?? _settings.RequestTimeout, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (CqlUnpreparedException) when (attempt == 0)
            {
                // A server that forgot one statement (a restart) forgot them all: re-prepare every child once.
                foreach (var statement in batch.Statements.Select(s => s.PreparedStatement).OfType<PreparedStatement>().Distinct())
                {
                    await ReprepareAsync(connection, statement, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Wraps one request in a client span and a duration measurement, connecting first when needed.</summary>
    private async Task<T> InstrumentAsync<T>(
        string operation, string queryText, CqlConsistency consistency, int? batchSize, Func<CqlConnection, Activity?, Task<T>> run, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = _settings.DisableTracing ? null : CqlActivities.StartStatement(operation, queryText, _keyspace, consistency);
        if (batchSize is not null)
        {
            activity?.SetTag("db.operation.batch.size", batchSize);
        }

        string? errorType = null;
        try
        {
            var connection = await _connection.GetAsync(cancellationToken).ConfigureAwait(false);
            CqlActivities.SetServer(activity, connection.Endpoint);
            return await run(connection, activity).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            errorType = CqlActivities.RecordError(activity, exception);
            throw;
        }
        finally
        {
            if (!_settings.DisableMetrics)
            {
                _telemetry?.RecordDuration(Stopwatch.GetElapsedTime(started), operation, _keyspace, errorType);
            }
        }
    }

    private async Task<CqlResult> RunAsync(CqlConnection connection, CqlStatement statement, CqlQueryOptions options, CqlConsistency consistency, CancellationToken cancellationToken)
    {
        var timeout = options.Timeout ?? _settings.RequestTimeout;
        for (var attempt = 0; ; attempt++)
        {
            var prepared = statement.PreparedStatement;
            var parameters = new CqlQueryParameters(
                consistency,
                CqlStatementValues.Serialize(statement),
                // Never skip_metadata: v4 has no result metadata id, so rows of a prepared SELECT * after the table
                // changed could not be told apart from rows shaped as prepared. The metadata each page carries is small.
                SkipMetadata: false,
                PageSize: options.PageSize ?? _settings.PageSize,
                PagingState: options.PagingState,
                SerialConsistency: options.SerialConsistency,
                Timestamp: options.Timestamp);
            var body = prepared is null ? CqlRequests.Query(statement.Query, parameters) : CqlRequests.Execute(prepared.Id, parameters);
            try
            {
                var frame = await connection.SendAsync(prepared is null ? CqlOpcode.Query : CqlOpcode.Execute, body, timeout, cancellationToken).ConfigureAwait(false);
                return ToResult(CqlResultDecoder.Decode(frame.Body, prepared?.ResultColumns), statement, options);
            }
            catch (CqlUnpreparedException) when (prepared is not null && attempt == 0)
            {
                await ReprepareAsync(connection, prepared, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private CqlResult ToResult(CqlResultDecoder.Decoded decoded, CqlStatement statement, CqlQueryOptions options)
    {
        switch (decoded.Kind)
        {
            case CqlResultKind.Rows:
                var rows = new CqlRowSet(
                    decoded.Columns!,
                    decoded.Rows!,
                    decoded.PagingState,
                    (state, token) => QueryAsync(statement, options with { PagingState = state }, token));
                return new CqlResult(CqlResultKind.Rows, rows);
            case CqlResultKind.SetKeyspace:
                _keyspace = decoded.Keyspace;
                return new CqlResult(CqlResultKind.SetKeyspace, keyspace: decoded.Keyspace);
            case CqlResultKind.SchemaChange:
                return new CqlResult(CqlResultKind.SchemaChange, schemaChange: decoded.SchemaChange);
            default:
                return new CqlResult(decoded.Kind);
        }
    }

    private async Task ReprepareAsync(CqlConnection connection, PreparedStatement statement, CancellationToken cancellationToken)
    {
        CqlSessionLog.Reprepare(_logger, statement.Query);
        var fresh = await PrepareOnAsync(connection, statement.Query, statement.Keyspace, cancellationToken).ConfigureAwait(false);
        statement.Replace(fresh);
    }

    private async Task<PreparedStatement> PrepareOnAsync(CqlConnection connection, string cql, string? keyspace, CancellationToken cancellationToken)
    {
        var frame = await connection.SendAsync(CqlOpcode.Prepare, CqlRequests.Prepare(cql), _settings.RequestTimeout, cancellationToken).ConfigureAwait(false);
        var decoded = CqlResultDecoder.Decode(frame.Body);
        if (decoded.Kind != CqlResultKind.Prepared)
        {
            throw new CqlException($"Cassandra answered PREPARE of '{cql}' with a {decoded.Kind} result.");
        }

        return new PreparedStatement(cql, keyspace, decoded.PreparedId!, decoded.Variables!, decoded.PartitionKeyIndexes!, decoded.Columns!);
    }
}
