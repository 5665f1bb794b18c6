using CdcPipeline.CassandraSink.Decoding;
using CdcPipeline.CassandraSink.Writing;
using Confluent.Kafka;

namespace CdcPipeline.CassandraSink.Consuming;

/// <summary>A message of a consumed batch with what decoding made of it and the writes it causes.</summary>
internal sealed record ConsumedMessage(ConsumeResult<byte[]?, byte[]?> Result, DecodeOutcome Outcome, IReadOnlyList<CqlWrite> Writes);
