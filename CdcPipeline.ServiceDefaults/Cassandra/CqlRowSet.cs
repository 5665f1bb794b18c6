namespace CdcPipeline.ServiceDefaults.Cassandra;

/// <summary>
/// The rows of a query, page by page. Enumerating it asynchronously yields every row, fetching the next pages
/// from the server as needed; <see cref="CurrentPage"/> holds only the rows received so far.
/// </summary>
public sealed class CqlRowSet : IAsyncEnumerable<CqlRow>
{
    private readonly Func<byte[], CancellationToken, Task<CqlRowSet>>? _fetchNext;

    internal CqlRowSet(IReadOnlyList<CqlColumn> columns, IReadOnlyList<CqlRow> rows, byte[]? pagingState, Func<byte[], CancellationToken, Task<CqlRowSet>>? fetchNext)
    {
        Columns = columns;
        CurrentPage = rows;
        PagingState = pagingState;
        _fetchNext = fetchNext;
    }

    public IReadOnlyList<CqlColumn> Columns { get; }

    public IReadOnlyList<CqlRow> CurrentPage { get; }

    /// <summary>The server's paging state when more pages follow; pass it in <see cref="CqlQueryOptions.PagingState"/> to resume later.</summary>
    public byte[]? PagingState { get; }

    public bool HasMorePages => PagingState is not null;

    /// <summary>Fetches the following page (null when this is the last one).</summary>
    public async Task<CqlRowSet?> FetchNextPageAsync(CancellationToken cancellationToken = default) =>
        PagingState is null || _fetchNext is null ? null : await _fetchNext(PagingState, cancellationToken).ConfigureAwait(false);

    public async IAsyncEnumerator<CqlRow> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        for (CqlRowSet? page = this; page is not null; page = await page.FetchNextPageAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var row in page.CurrentPage)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return row;
            }
        }
    }

    /// <summary>Reads every remaining page into one list.</summary>
    public async Task<IReadOnlyList<CqlRow>> ToListAsync(CancellationToken cancellationToken = default)
    {
        var rows = new List<CqlRow>();
        for (CqlRowSet? page = this; page is not null; page = await page.FetchNextPageAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.AddRange(page.CurrentPage);
        }

        return rows;
    }
}
