package io.gkm.verifier.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * An attestor's {@code rekor} settings.
 *
 * @param url {@code url}, the transparency log (required for keyless entries, as in Kyverno)
 * @param publicKey {@code pubkey}: PEM key(s) to check the log's signatures with instead of the
 *                  trusted root's, when set
 * @param ignoreTlog {@code ignoreTlog}: do not require a transparency log entry
 */
public record Rekor(Optional<String> url, Optional<String> publicKey, boolean ignoreTlog) {

    public Rekor {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(publicKey, "publicKey");
    }
}
