package io.gkm.verifier.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.verifier.identity.IdentityRequirement;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Attestor semantics: count missing means every entry, else at least count; every set must pass. */
class AttestorSetTest {

    private static final String SET = "spec.rules[0].verifyImages[0].attestors[0]";

    private static Attestor keyless(String path) {
        return new KeylessAttestor(IdentityRequirement.any(), Optional.empty(), Optional.empty(), Optional.empty(), path);
    }

    private static AttestorSet set(OptionalInt count, int entries) {
        return set(SET, count, entries);
    }

    private static AttestorSet set(String path, OptionalInt count, int entries) {
        List<Attestor> attestors = IntStream.range(0, entries)
                .mapToObj(i -> keyless(path + ".entries[" + i + "]")).toList();
        return new AttestorSet(count, attestors, path);
    }

    @Test
    void withoutCountEveryEntryMustPass() {
        AttestorSet set = set(OptionalInt.empty(), 2);
        AttestorSetOutcome outcome = set.evaluate(List.of(
                EntryOutcome.passed(0, "signed by a@example.com"),
                EntryOutcome.failed(1, "subject mismatch")));
        assertThat(outcome.required()).isEqualTo(2);
        assertThat(outcome.passed()).isEqualTo(1);
        assertThat(outcome.satisfied()).isFalse();
        assertThat(outcome.reason()).isEqualTo(SET + ": 1 of 2 entries verified, 2 required ("
                + SET + ".entries[1]: subject mismatch)");
    }

    @Test
    void withCountThatManyEntriesSuffice() {
        AttestorSet set = set(OptionalInt.of(1), 2);
        AttestorSetOutcome outcome = set.evaluate(List.of(
                EntryOutcome.failed(0, "no signatures found"),
                EntryOutcome.passed(1, "signed by b@example.com")));
        assertThat(outcome.satisfied()).isTrue();
        assertThat(outcome.reason()).isEqualTo(SET + ": 1 of 2 entries verified, 1 required ("
                + SET + ".entries[1]: signed by b@example.com)");
    }

    @Test
    void entriesWithoutAnOutcomeCountAsNotVerified() {
        AttestorSet set = set(OptionalInt.of(2), 3);
        AttestorSetOutcome outcome = set.evaluate(List.of(EntryOutcome.passed(2, "ok")));
        assertThat(outcome.satisfied()).isFalse();
        assertThat(outcome.entries()).extracting(EntryOutcome::entry).containsExactly(2);
        assertThat(outcome.reason()).isEqualTo(SET + ": 1 of 3 entries verified, 2 required ("
                + SET + ".entries[0]: not checked; " + SET + ".entries[1]: not checked)");
    }

    @Test
    void verifierMayStopOnceEnoughEntriesPassed() {
        AttestorSetOutcome outcome = set(OptionalInt.of(1), 3).evaluate(List.of(EntryOutcome.passed(0, "ok")));
        assertThat(outcome.satisfied()).isTrue();
    }

    @Test
    void everyAttestorSetMustBeSatisfied() {
        String second = "spec.rules[0].verifyImages[0].attestors[1]";
        ImageVerification verification = new ImageVerification(SignatureType.COSIGN, List.of("*"), List.of(), true, true,
                true, FailureAction.ENFORCE, List.of(set(OptionalInt.empty(), 1), set(second, OptionalInt.empty(), 1)),
                "spec.rules[0].verifyImages[0]");

        AttestorsOutcome both = verification.evaluate(List.of(
                List.of(EntryOutcome.passed(0, "team key")), List.of(EntryOutcome.passed(0, "release key"))));
        assertThat(both.satisfied()).isTrue();
        assertThat(both.reason()).isEqualTo(SET + ": 1 of 1 entries verified, 1 required (" + SET + ".entries[0]: team key); "
                + second + ": 1 of 1 entries verified, 1 required (" + second + ".entries[0]: release key)");

        AttestorsOutcome one = verification.evaluate(List.of(
                List.of(EntryOutcome.passed(0, "team key")), List.of(EntryOutcome.failed(0, "signature does not verify"))));
        assertThat(one.satisfied()).isFalse();
        assertThat(one.reason()).isEqualTo(second + ": 0 of 1 entries verified, 1 required (" + second
                + ".entries[0]: signature does not verify)");
    }

    @Test
    void outcomesMustNameEntriesOfTheSetOnce() {
        AttestorSet set = set(OptionalInt.empty(), 2);
        assertThatThrownBy(() -> set.evaluate(List.of(EntryOutcome.passed(2, "ok"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outcome for entry 2 is out of range or repeated");
        assertThatThrownBy(() -> set.evaluate(List.of(EntryOutcome.passed(0, "ok"), EntryOutcome.failed(0, "no"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outcome for entry 0 is out of range or repeated");
    }

    @Test
    void outcomeListsMustMatchTheAttestorSets() {
        ImageVerification verification = new ImageVerification(SignatureType.SIGSTORE_BUNDLE, List.of("*"), List.of(),
                true, true, true, FailureAction.ENFORCE, List.of(set(OptionalInt.empty(), 1)), "spec.rules[0].verifyImages[0]");
        assertThatThrownBy(() -> verification.evaluate(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spec.rules[0].verifyImages[0]: 0 outcome lists for 1 attestor sets");
    }
}
