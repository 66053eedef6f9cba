package io.gkm.verifier.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code entries[].keys}: a signature by one public key. A {@code publicKeys} value holding
 * several PEM blocks becomes one entry per key, as Kyverno expands it, so each counts towards
 * the set's {@code count} on its own.
 *
 * @param publicKey one PEM {@code PUBLIC KEY} block
 * @param rekor {@code rekor}, when set
 * @param ctlog {@code ctlog}, when set
 * @param path where the entry is in the policy; {@code ...keys.publicKeys[i]} for the i-th of several keys
 */
public record KeyAttestor(String publicKey, Optional<Rekor> rekor, Optional<CtLog> ctlog, String path)
        implements Attestor {

    public KeyAttestor {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(rekor, "rekor");
        Objects.requireNonNull(ctlog, "ctlog");
        Objects.requireNonNull(path, "path");
    }
}
