package io.gkm.verifier.sandbox;

import java.util.Objects;
import java.util.Optional;

/**
 * How {@link ImageSigner} signs: keyless as an identity (a certificate from the test Fulcio) or
 * with the test Sigstore's signing key, and whether to plant a {@link SignatureDefect}.
 *
 * <pre>{@code
 * Signing.keyless(SigningIdentity.email("ci@gkm.test", "https://oidc.gkm.test"))
 * Signing.keyed().with(SignatureDefect.TAMPERED_PAYLOAD)
 * }</pre>
 *
 * @param identity present for keyless signing
 */
public record Signing(Optional<SigningIdentity> identity, Optional<SignatureDefect> defect) {

    public Signing {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(defect, "defect");
        if (identity.isEmpty() && defect.filter(SignatureDefect::needsCertificate).isPresent()) {
            throw new IllegalArgumentException(defect.get() + " is a defect of the signing certificate;"
                    + " keyed signatures have none, sign keyless to get it");
        }
    }

    /** Keyless: an ephemeral key, certified by the test Fulcio for {@code identity}. */
    public static Signing keyless(SigningIdentity identity) {
        return new Signing(Optional.of(identity), Optional.empty());
    }

    /** Keyed: {@link SandboxSigstore#signingKey()}, no certificate; the signature is still logged in Rekor. */
    public static Signing keyed() {
        return new Signing(Optional.empty(), Optional.empty());
    }

    /** The same signing with {@code planted} wrong; certificate defects need keyless signing. */
    public Signing with(SignatureDefect planted) {
        return new Signing(identity, Optional.of(planted));
    }

    public boolean isKeyless() {
        return identity.isPresent();
    }

    boolean has(SignatureDefect wanted) {
        return defect.filter(wanted::equals).isPresent();
    }
}
