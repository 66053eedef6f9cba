package io.gkm.core.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.Test;

class FatalKafkaErrorsTest {
    private final StageSpec spec = new StageSpec("verifier", "c1", "pod-0", List.of("gkm.admissions"));

    @Test
    void aRefusedWriteWrappedByTheProducersErrorStateIsFatalAndNamesTheTopicAndWrite() {
        KafkaException wrapped = new KafkaException("Cannot execute transactional method because we are in an error state",
                new TopicAuthorizationException(Set.of("gkm.verifications")));

        assertThat(FatalKafkaErrors.find(spec, "gkm.", wrapped, null)).get()
                .satisfies(f -> assertThat(f.getMessage()).contains("stage verifier is not allowed to use Kafka")
                        .contains("Write and Describe on topic gkm.verifications"))
                .satisfies(f -> assertThat(f.getCause()).isSameAs(wrapped));
    }

    @Test
    void aRefusedInputTopicNeedsRead() {
        assertThat(FatalKafkaErrors.find(spec, "gkm.", new TopicAuthorizationException(Set.of("gkm.admissions")), null))
                .get().extracting(Throwable::getMessage).asString().contains("Read and Describe on topic gkm.admissions");
    }

    @Test
    void anAbortThatFailsAfterARefusedSendIsFatalThroughTheSendCallbacksError() {
        KafkaException abortFailure = new KafkaException("abort failed");
        TopicAuthorizationException sendError = new TopicAuthorizationException(Set.of("gkm.audit"));

        assertThat(FatalKafkaErrors.find(spec, "gkm.", abortFailure, sendError)).get()
                .extracting(Throwable::getMessage).asString().contains("Write and Describe on topic gkm.audit");
    }

    @Test
    void aGroupWithoutItsIdInTheRefusalIsTheStagesOwnGroup() {
        KafkaException wrapped = new KafkaException(new GroupAuthorizationException("Not authorized", null));

        assertThat(FatalKafkaErrors.find(spec, "gkm.", wrapped, null)).get()
                .extracting(Throwable::getMessage).asString().contains("Read on group gkm.verifier");
    }

    @Test
    void aRefusedTransactionalIdNamesTheStagesTransactionalId() {
        assertThat(FatalKafkaErrors.find(spec, "gkm.", new TransactionalIdAuthorizationException("refused"), null)).get()
                .extracting(Throwable::getMessage).asString()
                .contains("Write and Describe on transactional id gkm.verifier.c1.pod-0");
    }

    @Test
    void aWrappedFencingSaysToGiveEachInstanceItsOwnId() {
        assertThat(FatalKafkaErrors.find(spec, "gkm.", new KafkaException(new ProducerFencedException("fenced")), null))
                .get().extracting(Throwable::getMessage).asString().contains("give each instance its own GKM_INSTANCE");
    }

    @Test
    void aFenceOfATransactionOpenPastItsTimeoutIsTheBrokersAbortNotAnotherInstance() {
        ProducerFencedException fence = new ProducerFencedException("There is a newer producer");

        assertThat(FatalKafkaErrors.fencedAfterTimeout(new KafkaException(fence), null, Duration.ofSeconds(31),
                Duration.ofSeconds(30))).isTrue();
        assertThat(FatalKafkaErrors.fencedAfterTimeout(fence, null, Duration.ofSeconds(2), Duration.ofSeconds(30)))
                .as("a fence within the timeout is another instance").isFalse();
        assertThat(FatalKafkaErrors.fencedAfterTimeout(new TopicAuthorizationException(Set.of("gkm.audit")), null,
                Duration.ofSeconds(31), Duration.ofSeconds(30))).as("a refusal stays fatal").isFalse();
    }

    @Test
    void aTimeoutIsNotFatalEvenWrapped() {
        assertThat(FatalKafkaErrors.find(spec, "gkm.", new KafkaException(new TimeoutException("commit timed out")),
                new TimeoutException("send timed out"))).isEmpty();
    }
}
