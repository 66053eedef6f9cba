package io.gkm.verifier.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private final RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofMillis(300),
            Duration.ofSeconds(5));

    @Test
    void backoffDoublesUpToItsCapAndStopsAfterMaxAttempts() {
        assertThat(policy.nextDelay(1, null, NOW)).contains(Duration.ofMillis(100));
        assertThat(policy.nextDelay(2, null, NOW)).contains(Duration.ofMillis(200));
        assertThat(policy.nextDelay(3, null, NOW)).contains(Duration.ofMillis(300));
        assertThat(policy.nextDelay(4, null, NOW)).isEmpty();
        assertThat(RetryPolicy.none().nextDelay(1, null, NOW)).isEmpty();
    }

    @Test
    void retryAfterInSecondsOrAsHttpDateIsWaitedForAsAsked() {
        assertThat(policy.nextDelay(1, "2", NOW)).contains(Duration.ofSeconds(2));
        assertThat(policy.nextDelay(1, "Sun, 01 Jun 2025 12:00:03 GMT", NOW)).contains(Duration.ofSeconds(3));
        assertThat(policy.nextDelay(1, "Sun, 01 Jun 2025 11:00:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void retryAfterLongerThanTheBoundGivesUpAtOnce() {
        assertThat(policy.nextDelay(1, "6", NOW)).isEmpty();
    }

    @Test
    void unreadableRetryAfterFallsBackToOurBackoff() {
        assertThat(policy.nextDelay(1, "soon", NOW)).contains(Duration.ofMillis(100));
    }
}
