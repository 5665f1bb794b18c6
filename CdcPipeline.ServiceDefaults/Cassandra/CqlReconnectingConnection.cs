using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>
/// The one connection of a <see cref="CqlSession"/>: opened lazily on the first request, round-robin over the contact
/// points, and reopened (with exponential backoff and jitter) by the first request after it was lost; requests arriving
/// meanwhile share that one attempt.
/// </summary>
internal sealed class CqlReconnectingConnection : IAsyncDisposable
{
    private readonly CassandraClientSettings _settings;
    private readonly ILogger _logger;
    private readonly Func<string?> _keyspace;
    private readonly object _owner;
    private readonly Lock _connectLock = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ResiliencePipeline _connectPipeline;
    private CqlConnection? _connection;
    private Task<CqlConnection>? _connecting;
    private int _nextContactPoint;
    private bool _disposed;

    /// <param name="keyspace">The keyspace a new connection switches to (the session's current one).</param>
    /// <param name="owner">The object named by <see cref="ObjectDisposedException"/> once disposed.</param>
    public CqlReconnectingConnection(CassandraClientSettings settings, ILogger logger, Func<string?> keyspace, object owner)
    {
        _settings = settings;
        _logger = logger;
        _keyspace = keyspace;
        _owner = owner;
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

    public bool IsDisposed => _disposed;

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

    /// <summary>
    /// Returns the open connection, or joins the one connect attempt in flight (starting it when there is none), so
    /// concurrent callers share one backoff cycle and all see its outcome at once instead of each running their own.
    /// </summary>
    public async Task<CqlConnection> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _connection);
        if (current is { IsOpen: true })
        {
            return current;
        }

        Task<CqlConnection> connecting;
        lock (_connectLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, _owner);
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
                    return await CqlConnection.OpenAsync(host, _settings.Port, _settings.Username, _settings.Password, _keyspace(), _settings.ConnectTimeout, token)
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
