using CdcPipeline.ServiceDefaults.Kafka;
using Confluent.Kafka;

namespace CdcPipeline.CassandraSink.Consuming;

/// <summary>Which failures to write a dead letter are waited out, and which mean Kafka will never take it.</summary>
internal static class DeadLetterFailures
{
    /// <summary>A dead letter Kafka may take later (broker down, leader moving, timeout): retried.</summary>
    public static bool IsTransient(Exception error) =>
        error is KafkaDeadLetterException dead && Refusal(dead) is null;

    /// <summary>The error code when Kafka refuses the dead letter for good (too large, not authorized, invalid topic, fatal).</summary>
    public static ErrorCode? Refusal(KafkaDeadLetterException error) =>
        error.InnerException is KafkaException { Error: var e } && (e.IsFatal || IsPermanent(e.Code)) ? e.Code : null;

    private static bool IsPermanent(ErrorCode code) => code is
        ErrorCode.MsgSizeTooLarge or ErrorCode.RecordListTooLarge
        or ErrorCode.TopicAuthorizationFailed or ErrorCode.ClusterAuthorizationFailed or ErrorCode.TransactionalIdAuthorizationFailed
        or ErrorCode.TopicException or ErrorCode.InvalidRecord or ErrorCode.PolicyViolation or ErrorCode.InvalidRequiredAcks
        or ErrorCode.UnsupportedForMessageFormat or ErrorCode.SaslAuthenticationFailed or ErrorCode.Local_Authentication
        or ErrorCode.Local_InvalidArg;
}
