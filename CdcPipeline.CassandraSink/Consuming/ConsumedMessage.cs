using System.Diagnostics;
using CdcPipeline.CassandraSink.Decoding;
using CdcPipeline.CassandraSink.Writing;
using Confluent.Kafka;

namespace CdcPipeline.CassandraSink.Consuming;

/// <summary>A message of a consumed batch with its process span, what decoding made of it and the writes it causes.</summary>
internal sealed record ConsumedMessage(
    ConsumeResult<byte[]?, byte[]?> Result, Activity? Process, DecodeOutcome Outcome, IReadOnlyList<CqlWrite> Writes);
