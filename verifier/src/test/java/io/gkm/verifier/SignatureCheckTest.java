package io.gkm.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.verifier.identity.IdentityRequirement;
import io.gkm.verifier.policy.Attestor;
import io.gkm.verifier.policy.CtLog;
import io.gkm.verifier.policy.KeyAttestor;
import io.gkm.verifier.policy.KeylessAttestor;
import io.gkm.verifier.policy.Rekor;
import io.gkm.verifier.policy.SignatureType;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which entries need the configured trust root: only what the entry does not bring itself. */
class SignatureCheckTest {
    private static final String PEM = "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n";
    private static final Optional<Rekor> REKOR = Optional.of(new Rekor(Optional.of("https://rekor.gkm.test"),
            Optional.empty(), false));

    private static Attestor keyless(Optional<Rekor> rekor, Optional<CtLog> ctlog, Optional<String> roots) {
        return new KeylessAttestor(IdentityRequirement.any(), rekor, ctlog, roots, "entries[0]");
    }

    private static Attestor keyed(Optional<Rekor> rekor) {
        return new KeyAttestor(PEM, rekor, Optional.empty(), "entries[0]");
    }

    @Test
    void aKeylessEntryNeedsTheConfiguredRootForItsCasRekorAndCtKeys() {
        Attestor seedLike = keyless(REKOR, Optional.empty(), Optional.empty());

        assertThat(SignatureCheck.needsConfiguredRoot(seedLike, SignatureType.COSIGN)).isTrue();
        assertThat(SignatureCheck.needsConfiguredRoot(seedLike, SignatureType.SIGSTORE_BUNDLE)).isTrue();
    }

    @Test
    void aKeylessEntryWithItsOwnRootsRekorKeyAndCtKeyNeedsNone() {
        Attestor ownTrust = keyless(Optional.of(new Rekor(Optional.empty(), Optional.of(PEM), false)),
                Optional.of(new CtLog(false, Optional.of(PEM))), Optional.of("-----BEGIN CERTIFICATE-----"));

        assertThat(SignatureCheck.needsConfiguredRoot(ownTrust, SignatureType.COSIGN)).isFalse();
        assertThat(SignatureCheck.needsConfiguredRoot(ownTrust, SignatureType.SIGSTORE_BUNDLE)).isFalse();
    }

    @Test
    void aKeylessEntryWithItsOwnRootsStillNeedsTheConfiguredCtKeysUnlessItIgnoresTheSct() {
        Optional<Rekor> ownRekor = Optional.of(new Rekor(Optional.empty(), Optional.of(PEM), false));
        Optional<String> roots = Optional.of("-----BEGIN CERTIFICATE-----");

        assertThat(SignatureCheck.needsConfiguredRoot(keyless(ownRekor, Optional.empty(), roots),
                SignatureType.COSIGN)).isTrue();
        assertThat(SignatureCheck.needsConfiguredRoot(keyless(ownRekor, Optional.of(new CtLog(true, Optional.empty())),
                roots), SignatureType.COSIGN)).isFalse();
    }

    @Test
    void aKeyedEntryNeedsTheConfiguredRootOnlyForItsRekorEntry() {
        Attestor ignoresTlog = keyed(Optional.of(new Rekor(Optional.empty(), Optional.empty(), true)));

        assertThat(SignatureCheck.needsConfiguredRoot(keyed(Optional.empty()), SignatureType.COSIGN)).isTrue();
        assertThat(SignatureCheck.needsConfiguredRoot(ignoresTlog, SignatureType.COSIGN)).isFalse();
        assertThat(SignatureCheck.needsConfiguredRoot(keyed(Optional.of(new Rekor(Optional.empty(), Optional.of(PEM),
                false))), SignatureType.COSIGN)).isFalse();
    }

    @Test
    void aSigstoreBundleIsAlwaysCheckedAgainstItsTransparencyLogEntryEvenWhenThePolicyIgnoresTheTlog() {
        Attestor ignoresTlog = keyed(Optional.of(new Rekor(Optional.empty(), Optional.empty(), true)));

        assertThat(SignatureCheck.needsConfiguredRoot(ignoresTlog, SignatureType.SIGSTORE_BUNDLE)).isTrue();
    }

    @Test
    void reasonsNameASignatureByTheFirstTwelveHexDigitsOfItsDigest() {
        assertThat(SignatureCheck.shortId("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))
                .isEqualTo("sha256:0123456789ab");
        assertThat(SignatureCheck.shortId("sha256:0123")).isEqualTo("sha256:0123");
    }
}
