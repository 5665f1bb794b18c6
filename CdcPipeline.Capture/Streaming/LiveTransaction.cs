using System.Diagnostics;
using CdcPipeline.Capture.Publishing;

namespace CdcPipeline.Capture.Streaming;

/// <summary>
/// A transaction pgoutput sends whole after its commit (Begin … Commit): its commit time and xid are known from the
/// Begin message, so its changes are published as they arrive.
/// </summary>
internal sealed record LiveTransaction(uint Xid, long CommitMicros, AckPosition Position, Activity? Activity);
