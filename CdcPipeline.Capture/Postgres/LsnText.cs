using NpgsqlTypes;

namespace CdcPipeline.Capture.Postgres;

/// <summary>LSNs as PostgreSQL writes them (<c>0/1A3F0B8</c>), for logs and messages.</summary>
internal static class LsnText
{
    public static string ToLsnText(this ulong lsn) => new NpgsqlLogSequenceNumber(lsn).ToString();
}
