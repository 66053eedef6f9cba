package io.gkm.verifier.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * An attestor's {@code ctlog} settings.
 *
 * @param ignoreSct {@code ignoreSCT}: do not require a signed certificate timestamp
 * @param publicKey {@code pubkey}: PEM key(s) to check SCTs with instead of the trusted root's, when set
 */
public record CtLog(boolean ignoreSct, Optional<String> publicKey) {

    public CtLog {
        Objects.requireNonNull(publicKey, "publicKey");
    }
}
