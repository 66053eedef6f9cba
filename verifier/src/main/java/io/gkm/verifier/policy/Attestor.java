package io.gkm.verifier.policy;

import java.util.Optional;

/** One entry of an attestor set: who may have signed. */
public sealed interface Attestor permits KeylessAttestor, KeyAttestor {

    /** Where the entry is in the policy, e.g. {@code spec.rules[0].verifyImages[0].attestors[0].entries[1]}. */
    String path();

    /** Rekor settings, when set. */
    Optional<Rekor> rekor();

    /** Certificate Transparency settings, when set. */
    Optional<CtLog> ctlog();
}
