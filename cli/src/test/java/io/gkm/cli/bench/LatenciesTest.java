package io.gkm.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatenciesTest {
    @Test
    void percentilesAreNearestRankOverEverySample() {
        Latencies latencies = new Latencies();
        for (long i = 100; i >= 1; i--) {
            latencies.add(i);
        }

        assertThat(latencies.percentile(50)).isEqualTo(50);
        assertThat(latencies.percentile(99)).isEqualTo(99);
        assertThat(latencies.percentile(100)).isEqualTo(100);
    }

    @Test
    void oneSlowAnswerInAHundredIsTheP99AndNotTheP50() {
        Latencies latencies = new Latencies();
        for (int i = 0; i < 99; i++) {
            latencies.add(1_000_000);
        }
        latencies.add(40_000_000);

        assertThat(latencies.percentile(50)).isEqualTo(1_000_000);
        assertThat(latencies.percentile(99)).isEqualTo(1_000_000);
        assertThat(latencies.percentile(99.5)).isEqualTo(40_000_000);
    }

    @Test
    void slicesAddUpAndGrowPastTheInitialCapacity() {
        Latencies a = new Latencies();
        Latencies b = new Latencies();
        for (int i = 0; i < 70_000; i++) {
            a.add(1);
            b.add(3);
        }

        a.addAll(b);

        assertThat(a.count()).isEqualTo(140_000);
        assertThat(a.percentile(50)).isEqualTo(1);
        assertThat(a.percentile(51)).isEqualTo(3);
    }

    @Test
    void noSamplesHaveNoPercentile() {
        assertThatThrownBy(() -> new Latencies().percentile(50)).isInstanceOf(IllegalStateException.class)
                .hasMessage("no requests completed");
    }
}
