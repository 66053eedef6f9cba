package io.gkm.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CloudEventHeadersTest {
    private static final CloudEventHeaders CE = new CloudEventHeaders("id-1", "/gkm/prod/verifier/verifier-0",
            "io.gkm.verification.v1", Instant.parse("2025-03-04T05:06:07.123456Z"), "prod/team-a/GKMCache/llama", "corr-1");

    @Test
    void headersRoundTripThroughKafkaHeaders() {
        Headers headers = new RecordHeaders();

        CE.writeTo(headers);

        assertThat(CloudEventHeaders.read(headers)).isEqualTo(CE);
        assertThat(value(headers, "ce_specversion")).isEqualTo("1.0");
        assertThat(value(headers, "content-type")).isEqualTo("application/avro");
        assertThat(value(headers, "ce_time")).isEqualTo("2025-03-04T05:06:07.123456Z");
        assertThat(value(headers, "ce_correlationid")).isEqualTo("corr-1");
        assertThat(value(headers, "ce_subject")).isEqualTo("prod/team-a/GKMCache/llama");
    }

    @Test
    void writeToReplacesEarlierValuesInsteadOfRepeatingThem() {
        Headers headers = new RecordHeaders();
        headers.add("ce_id", "old".getBytes(StandardCharsets.UTF_8));
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        headers.add("other", "kept".getBytes(StandardCharsets.UTF_8));

        CE.writeTo(headers);

        assertThat(headers.headers("ce_id")).hasSize(1);
        assertThat(value(headers, "ce_id")).isEqualTo("id-1");
        assertThat(headers.headers("content-type")).hasSize(1);
        assertThat(value(headers, "content-type")).isEqualTo("application/avro");
        assertThat(value(headers, "other")).isEqualTo("kept");
    }

    @Test
    void eventWithoutSubjectRoundTripsWithNullSubject() {
        CloudEventHeaders ce = new CloudEventHeaders("id-2", "/gkm/prod/audit/a-0", "io.gkm.audit.v1",
                Instant.parse("2025-01-01T00:00:00Z"), null, "corr-2");
        Headers headers = new RecordHeaders();
        headers.add("ce_subject", "stale".getBytes(StandardCharsets.UTF_8));

        ce.writeTo(headers);

        assertThat(headers.lastHeader("ce_subject")).isNull();
        assertThat(CloudEventHeaders.read(headers)).isEqualTo(ce);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_correlationid"})
    void readNamesTheMissingHeader(String missing) {
        Headers headers = new RecordHeaders();
        CE.writeTo(headers);
        headers.remove(missing);

        assertThatThrownBy(() -> CloudEventHeaders.read(headers))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("missing CloudEvents header " + missing);
    }

    @Test
    void readRejectsAnotherSpecVersion() {
        Headers headers = new RecordHeaders();
        CE.writeTo(headers);
        headers.remove("ce_specversion").add("ce_specversion", "0.3".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> CloudEventHeaders.read(headers))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ce_specversion '0.3'");
    }

    @Test
    void readRejectsATimeThatIsNotRfc3339() {
        Headers headers = new RecordHeaders();
        CE.writeTo(headers);
        headers.remove("ce_time").add("ce_time", "04/03/2025 05:06".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> CloudEventHeaders.read(headers))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ce_time '04/03/2025 05:06' is not an RFC 3339 timestamp");
    }

    @Test
    void readAcceptsRfc3339TimeWithOffsetAndLowerCaseSeparators() {
        Headers headers = new RecordHeaders();
        CE.writeTo(headers);
        headers.remove("ce_time").add("ce_time", "2025-03-04t07:06:07.5+02:00".getBytes(StandardCharsets.UTF_8));

        assertThat(CloudEventHeaders.read(headers).time()).isEqualTo(Instant.parse("2025-03-04T05:06:07.5Z"));
    }

    @Test
    void forEventMakesARandomIdTheCurrentTimeAndTheEventsCeType() {
        Instant before = Instant.now();
        CloudEventHeaders a = CloudEventHeaders.forEvent(EventType.INSTALL_JOB, "/gkm/prod/dispatcher/d-0", "k", "corr");
        CloudEventHeaders b = CloudEventHeaders.forEvent(EventType.INSTALL_JOB, "/gkm/prod/dispatcher/d-0", "k", "corr");

        assertThat(UUID.fromString(a.id())).isNotEqualTo(UUID.fromString(b.id()));
        assertThat(a.type()).isEqualTo("io.gkm.installjob.v1");
        assertThat(a.time()).isBetween(before.truncatedTo(ChronoUnit.MILLIS), Instant.now());
        assertThat(a.correlationId()).isEqualTo("corr");
        assertThat(a.subject()).isEqualTo("k");
    }

    @Test
    void forEventWithoutCorrelationIdStartsAChainWithItsOwnId() {
        CloudEventHeaders start = CloudEventHeaders.forEvent(EventType.ADMISSION, "/gkm/prod/ingest/i-0", "k", null);
        CloudEventHeaders next = start.next(EventType.VERIFICATION, "/gkm/prod/verifier/v-0", "k");

        assertThat(start.correlationId()).isEqualTo(start.id());
        assertThat(next.correlationId()).isEqualTo(start.id());
        assertThat(next.id()).isNotEqualTo(start.id());
        assertThat(next.type()).isEqualTo("io.gkm.verification.v1");
    }

    @Test
    void sourceIsGkmClusterStageInstance() {
        assertThat(CloudEventHeaders.source("prod", "verifier", "verifier-7d9f")).isEqualTo("/gkm/prod/verifier/verifier-7d9f");
    }

    @Test
    void sourceRejectsSegmentsWithSlashOrEmpty() {
        assertThatThrownBy(() -> CloudEventHeaders.source("prod/eu", "verifier", "v-0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster 'prod/eu'");
        assertThatThrownBy(() -> CloudEventHeaders.source("prod", "", "v-0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stage");
    }

    @Test
    void constructorRejectsBlankRequiredAttributes() {
        assertThatThrownBy(() -> new CloudEventHeaders(" ", "/s", "t", Instant.EPOCH, null, "c"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ce_id");
        assertThatThrownBy(() -> new CloudEventHeaders("i", "/s", "t", Instant.EPOCH, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ce_correlationid");
    }

    private static String value(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
