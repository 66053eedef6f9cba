package io.gkm.ingest.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class KyvernoVerificationTest {
    @ParameterizedTest
    @NullAndEmptySource
    void unsetOrEmptyMeansEnabledWithoutWarning(String value) {
        KyvernoVerification v = KyvernoVerification.parse(value);

        assertThat(v.enabled()).isTrue();
        assertThat(v.warning()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "True", "1", "yes", "YES", "yEs"})
    void trueOneAndYesInAnyCaseMeanEnabled(String value) {
        KyvernoVerification v = KyvernoVerification.parse(value);

        assertThat(v.enabled()).isTrue();
        assertThat(v.warning()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "FALSE", "False", "0", "no", "NO", "nO"})
    void falseZeroAndNoInAnyCaseMeanDisabled(String value) {
        KyvernoVerification v = KyvernoVerification.parse(value);

        assertThat(v.enabled()).isFalse();
        assertThat(v.warning()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"off", "disabled", "2", " false", "false ", "nope", "tru"})
    void anythingElseMeansEnabledWithAWarningNamingTheValue(String value) {
        KyvernoVerification v = KyvernoVerification.parse(value);

        assertThat(v.enabled()).isTrue();
        assertThat(v.warning()).hasValueSatisfying(w -> assertThat(w).contains("'" + value + "'").contains("enabled"));
    }
}
