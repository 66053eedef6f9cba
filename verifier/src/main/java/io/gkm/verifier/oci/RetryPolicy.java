package io.gkm.verifier.oci;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link RegistryClient} retries a request that met a transient failure (no connection,
 * timeout, 429, 5xx): exponential backoff from {@code initialBackoff}, doubling up to
 * {@code maxBackoff}, at most {@code maxAttempts} tries in all. A {@code Retry-After} answer is
 * waited for as asked, unless it is longer than {@code maxRetryAfter}: then we give up at once
 * and leave the retry to the caller (the stage loop retries the batch), rather than hold a
 * verification hostage for a long pause.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff and maxRetryAfter >= 0, got "
                    + initialBackoff + ", " + maxBackoff + ", " + maxRetryAfter);
        }
    }

    /** 4 attempts, 200 ms doubling to 2 s, Retry-After honoured up to 10 s. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    /** One attempt, no retry (for callers with their own budget, such as the webhook). */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    /**
     * The pause before the next attempt after {@code failedAttempts} failures, or empty to give up.
     *
     * @param retryAfter the answer's {@code Retry-After} header, or null
     */
    public Optional<Duration> nextDelay(int failedAttempts, String retryAfter, Instant now) {
        if (failedAttempts >= maxAttempts) {
            return Optional.empty();
        }
        Optional<Duration> asked = parseRetryAfter(retryAfter, now);
        if (asked.isPresent()) {
            return asked.get().compareTo(maxRetryAfter) > 0 ? Optional.empty() : asked;
        }
        return Optional.of(backoff(failedAttempts));
    }

    /** initialBackoff * 2^(failedAttempts-1), capped at maxBackoff. */
    Duration backoff(int failedAttempts) {
        Duration delay = initialBackoff;
        for (int i = 1; i < failedAttempts && delay.compareTo(maxBackoff) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
    }

    /**
     * {@code Retry-After} as delay-seconds or an HTTP-date (RFC 9110); a date in the past is zero;
     * empty when absent or unreadable (then our own backoff applies).
     */
    static Optional<Duration> parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        if (v.matches("\\d{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(now, at);
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
