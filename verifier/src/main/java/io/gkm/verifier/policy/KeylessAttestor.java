package io.gkm.verifier.policy;

import io.gkm.verifier.identity.IdentityRequirement;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code entries[].keyless}: a Fulcio certificate whose identity meets {@code identity}.
 *
 * @param identity {@code issuer}, {@code issuerRegExp}, {@code subject}, {@code subjectRegExp}
 * @param rekor {@code rekor}, when set
 * @param ctlog {@code ctlog}, when set
 * @param roots {@code roots}: PEM certificates to trust instead of the Fulcio roots, when set
 * @param path where the entry is in the policy
 */
public record KeylessAttestor(
        IdentityRequirement identity,
        Optional<Rekor> rekor,
        Optional<CtLog> ctlog,
        Optional<String> roots,
        String path) implements Attestor {

    public KeylessAttestor {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(rekor, "rekor");
        Objects.requireNonNull(ctlog, "ctlog");
        Objects.requireNonNull(roots, "roots");
        Objects.requireNonNull(path, "path");
    }
}
