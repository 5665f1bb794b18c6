using CdcPipeline.ServiceDefaults.Kafka;
using Confluent.Kafka;

namespace CdcPipeline.Tests.Kafka;

public sealed class KafkaDeadLetterPolicyTests
{
    [Theory]
    [InlineData(ErrorCode.MsgSizeTooLarge, false)]
    [InlineData(ErrorCode.TopicAuthorizationFailed, false)]
    [InlineData(ErrorCode.ClusterAuthorizationFailed, false)]
    [InlineData(ErrorCode.TopicException, false)]
    [InlineData(ErrorCode.Local_MsgTimedOut, true)]
    [InlineData(ErrorCode.BrokerNotAvailable, true)]
    [InlineData(ErrorCode.NotLeaderForPartition, true)]
    [InlineData(ErrorCode.Local_Transport, true)]
    public void Dead_letter_failures_are_retried_unless_kafka_refuses_for_good(ErrorCode code, bool transient)
    {
        var produce = new ProduceException<byte[]?, byte[]?>(new Error(code), new DeliveryResult<byte[]?, byte[]?>());
        var error = new KafkaDeadLetterException("Could not dead-letter", produce);

        Assert.Equal(transient, KafkaDeadLetterPolicy.IsTransient(error));
        Assert.Equal(transient ? null : code, KafkaDeadLetterPolicy.Refusal(error));
    }

    [Fact]
    public void A_fatal_producer_error_is_a_refusal_whatever_its_code()
    {
        var error = new KafkaException(new Error(ErrorCode.Local_Transport, "fenced", isFatal: true));

        Assert.False(KafkaDeadLetterPolicy.IsTransient(error));
        Assert.Equal(ErrorCode.Local_Transport, KafkaDeadLetterPolicy.Refusal(error));
    }

    [Fact]
    public void A_timeout_is_retried_and_a_failure_that_is_not_kafkas_is_not()
    {
        Assert.True(KafkaDeadLetterPolicy.IsTransient(new TimeoutException("no answer")));
        Assert.False(KafkaDeadLetterPolicy.IsTransient(new InvalidOperationException("a bug")));
        Assert.Null(KafkaDeadLetterPolicy.Refusal(new InvalidOperationException("a bug")));
    }
}
