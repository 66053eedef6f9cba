package io.gkm.schemas;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * CloudEvents 1.0 attributes of one event, carried as Kafka headers (Kafka protocol binding,
 * binary mode).
 *
 * @param id {@code ce_id}, unique per event
 * @param source {@code ce_source}, {@code /gkm/<cluster>/<stage>/<instance>} (see {@link #source})
 * @param type {@code ce_type}, e.g. {@code io.gkm.verification.v1} (see {@link EventType#ceType()})
 * @param time {@code ce_time}, written as RFC 3339
 * @param subject {@code ce_subject}, the resource key (or node key); null when there is none
 * @param correlationId {@code ce_correlationid}, the id of the admission or watch event that
 *     started the chain
 */
public record CloudEventHeaders(
        String id, String source, String type, Instant time, String subject, String correlationId) {

    public static final String SPECVERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String CORRELATION_ID = "ce_correlationid";
    public static final String CONTENT_TYPE = "content-type";
    /** Value of {@code ce_specversion}. */
    public static final String SPEC_VERSION_1_0 = "1.0";
    /** Value of {@code content-type}. */
    public static final String AVRO_CONTENT_TYPE = "application/avro";

    public CloudEventHeaders {
        requireText(id, ID);
        requireText(source, SOURCE);
        requireText(type, TYPE);
        Objects.requireNonNull(time, TIME + " must not be null");
        if (subject != null && subject.isEmpty()) {
            throw new IllegalArgumentException(SUBJECT + " must be null or non-empty");
        }
        requireText(correlationId, CORRELATION_ID);
    }

    /**
     * Attributes of a new event: a random UUID id and the current time.
     *
     * @param correlationId the chain's correlation id; null starts a new chain (the correlation id
     *     is then the new event's own id)
     */
    public static CloudEventHeaders forEvent(EventType type, String source, String subject, String correlationId) {
        Objects.requireNonNull(type, "type");
        String id = UUID.randomUUID().toString();
        return new CloudEventHeaders(id, source, type.ceType(), Instant.now(), subject,
                correlationId == null ? id : correlationId);
    }

    /** Attributes of a new event caused by this one: same correlation id, new id and time. */
    public CloudEventHeaders next(EventType type, String source, String subject) {
        return forEvent(type, source, subject, correlationId);
    }

    /** {@code /gkm/<cluster>/<stage>/<instance>}. */
    public static String source(String cluster, String stage, String instance) {
        return "/gkm/" + segment(cluster, "cluster") + "/" + segment(stage, "stage") + "/" + segment(instance, "instance");
    }

    /**
     * Reads the attributes from record headers (the last value of each header counts).
     *
     * @throws IllegalArgumentException naming the header that is missing or invalid
     */
    public static CloudEventHeaders read(Headers headers) {
        Objects.requireNonNull(headers, "headers");
        String specversion = required(headers, SPECVERSION);
        if (!SPEC_VERSION_1_0.equals(specversion)) {
            throw new IllegalArgumentException("unsupported CloudEvents header " + SPECVERSION + " '" + specversion
                    + "', expected '" + SPEC_VERSION_1_0 + "'");
        }
        String timeText = required(headers, TIME);
        Instant time;
        try {
            time = OffsetDateTime.parse(timeText.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("CloudEvents header " + TIME + " '" + timeText + "' is not an RFC 3339 timestamp", e);
        }
        return new CloudEventHeaders(required(headers, ID), required(headers, SOURCE), required(headers, TYPE), time,
                optional(headers, SUBJECT), required(headers, CORRELATION_ID));
    }

    /**
     * Writes {@code ce_specversion}, the attributes and {@code content-type: application/avro},
     * replacing any earlier value of these headers. A null subject removes {@code ce_subject}.
     */
    public void writeTo(Headers headers) {
        Objects.requireNonNull(headers, "headers");
        put(headers, SPECVERSION, SPEC_VERSION_1_0);
        put(headers, ID, id);
        put(headers, SOURCE, source);
        put(headers, TYPE, type);
        put(headers, TIME, DateTimeFormatter.ISO_INSTANT.format(time));
        put(headers, SUBJECT, subject);
        put(headers, CONTENT_TYPE, AVRO_CONTENT_TYPE);
        put(headers, CORRELATION_ID, correlationId);
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String optional(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        if (h == null || h.value() == null) {
            return null;
        }
        String v = new String(h.value(), StandardCharsets.UTF_8);
        return v.isEmpty() ? null : v;
    }

    private static String required(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        if (h == null) {
            throw new IllegalArgumentException("missing CloudEvents header " + name);
        }
        if (h.value() == null || h.value().length == 0) {
            throw new IllegalArgumentException("empty CloudEvents header " + name);
        }
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be null or blank");
        }
    }

    private static String segment(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("source " + what + " must not be null or empty");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("source " + what + " '" + value + "' must not contain '/', whitespace or control characters");
            }
        }
        return value;
    }
}
