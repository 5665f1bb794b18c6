using System.Collections.Concurrent;
using System.Diagnostics;
using CdcPipeline.ServiceDefaults.Cassandra.Codecs;
using CdcPipeline.ServiceDefaults.Cassandra.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

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
    private readonly Lock _connectLock = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ConcurrentDictionary<(string? Keyspace, string Query), PreparedStatement> _prepared = new();
    private readonly ResiliencePipeline _connectPipeline;
    private CqlConnection? _connection;
    private Task<CqlConnection>? _connecting;
    private int _nextContactPoint;
    private volatile string? _keyspace;
    private bool _disposed;

    /// <param name="telemetry">Where request durations are measured; none are without it.</param>
    public CqlSession(CassandraClientSettings settings, ILogger<CqlSession>? logger = null, CassandraTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate("cassandra");
        _settings = settings;
        _logger = logger ?? NullLogger<CqlSession>.Instance;
        _telemetry = telemetry;
        _keyspace = settings.Keyspace;
        _connectPipeline = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<CqlConnectionException>(),
                MaxRetryAttempts = Math.Max(settings.ReconnectAttempts, 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.ReconnectBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(10),
                OnRetry = args =>
                {
                    CqlSessionLog.ConnectRetry(_logger, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.Message ?? "unknown");
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>The keyspace unqualified table names refer to (from the settings or the last <c>USE</c>).</summary>
    public string? Keyspace => _keyspace;

    /// <summary>Opens the connection now instead of on the first request.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default) =>
        await GetConnectionAsync(cancellationToken).ConfigureAwait(false);

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
        ObjectDisposedException.ThrowIf(_disposed, this);
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
        ObjectDisposedException.ThrowIf(_disposed, this);
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
        ObjectDisposedException.ThrowIf(_disposed, this);
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
        var connection = await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
        var body = CqlRequests.Query("SELECT release_version FROM system.local", new CqlQueryParameters(CqlConsistency.One, []));
        var frame = await connection.SendAsync(CqlOpcode.Query, body, _settings.RequestTimeout, cancellationToken).ConfigureAwait(false);
        var decoded = CqlResultDecoder.Decode(frame.Body);
        return decoded.Rows is [var row, ..] ? row.Get<string?>(0) : null;
    }

    public async ValueTask DisposeAsync()
    {
        Task<CqlConnection>? connecting;
        lock (_connectLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            connecting = _connecting;
        }

        // A connect in flight is cancelled and awaited; it disposes whatever it opened once it sees the session disposed.
        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (connecting is not null)
        {
            await ((Task)connecting).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (Interlocked.Exchange(ref _connection, null) is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _lifetime.Dispose();
    }

    private async Task SendBatchAsync(CqlConnection connection, CqlBatch batch, CqlConsistency consistency, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var children = batch.Statements
                .Select(s => ((string?)(s.PreparedStatement is null ? s.Query : null), s.PreparedStatement?.Id, (IReadOnlyList<CqlValue>)SerializeValues(s)))
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
            var connection = await GetConnectionAsync(cancellationToken).ConfigureAwait(false);
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
                SerializeValues(statement),
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

    private static List<CqlValue> SerializeValues(CqlStatement statement)
    {
        var values = new List<CqlValue>(statement.Values.Count);
        for (var i = 0; i < statement.Values.Count; i++)
        {
            var value = statement.Values[i];
            var variable = statement.PreparedStatement?.Variables[i];
            try
            {
                values.Add(value is null or CqlUnset || variable is not null
                    ? CqlCodec.Serialize(variable?.Type ?? CqlType.Of(CqlTypeCode.Blob), value)
                    : CqlCodec.Serialize(CqlCodec.InferType(value), value));
            }
            catch (Exception exception) when (exception is ArgumentException or OverflowException or InvalidCastException)
            {
                var name = variable is null ? $"value {i}" : $"bind variable '{variable.Name}' ({variable.Type})";
                throw new ArgumentException($"Cannot send {name} of '{statement.Query}': {exception.Message}", exception);
            }
        }

        return values;
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

    /// <summary>
    /// Returns the open connection, or joins the one connect attempt in flight (starting it when there is none), so
    /// concurrent callers share one backoff cycle and all see its outcome at once instead of each running their own.
    /// </summary>
    private async Task<CqlConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _connection);
        if (current is { IsOpen: true })
        {
            return current;
        }

        Task<CqlConnection> connecting;
        lock (_connectLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connection is { IsOpen: true } open)
            {
                return open;
            }

            if (_connecting is null || _connecting.IsCompleted)
            {
                _connecting = ConnectWithRetriesAsync(_connection);
            }

            connecting = _connecting;
        }

        return await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<CqlConnection> ConnectWithRetriesAsync(CqlConnection? lost)
    {
        await Task.Yield();
        if (lost is not null)
        {
            CqlSessionLog.ConnectionLost(_logger, lost.Endpoint);
            await lost.DisposeAsync().ConfigureAwait(false);
            Interlocked.CompareExchange(ref _connection, null, lost);
        }

        CqlConnection connection;
        try
        {
            connection = await _connectPipeline.ExecuteAsync(
                async token =>
                {
                    var host = _settings.ContactPoints[(int)((uint)(Interlocked.Increment(ref _nextContactPoint) - 1) % _settings.ContactPoints.Count)];
                    return await CqlConnection.OpenAsync(host, _settings.Port, _settings.Username, _settings.Password, _keyspace, _settings.ConnectTimeout, token)
                        .ConfigureAwait(false);
                },
                _lifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (_lifetime.IsCancellationRequested)
        {
            throw new ObjectDisposedException($"The {nameof(CqlSession)} was disposed while it was connecting.", exception);
        }

        lock (_connectLock)
        {
            if (!_disposed)
            {
                CqlSessionLog.Connected(_logger, connection.Endpoint);
                Volatile.Write(ref _connection, connection);
                return connection;
            }
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        throw new ObjectDisposedException($"The {nameof(CqlSession)} was disposed while it was connecting.");
    }
}
