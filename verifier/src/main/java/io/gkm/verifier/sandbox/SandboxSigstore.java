package io.gkm.verifier.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gkm.verifier.oci.RegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A throw-away Sigstore made in this JVM, for {@code gkm demo}, {@code gkm bench verify} and
 * tests, never a production trust root: a Fulcio-like CA issuing certificates with embedded SCTs
 * from a CT log, a Rekor log producing SETs, inclusion proofs and checkpoints, a second CA that
 * nobody trusts, and a key pair for keyed signing. Fresh keys on each {@link #create()}; nothing
 * but the registry a signer writes to touches the network.
 *
 * <pre>{@code
 * SandboxSigstore sigstore = SandboxSigstore.create();
 * Path trustedRoot = sigstore.writeTrustedRoot(tempDir.resolve("trusted_root.json"));
 * ImageSigner signer = sigstore.imageSigner(RegistryClient.builder().build(), "127.0.0.1:5000");
 * SigningIdentity ci = SigningIdentity.uri("https://github.com/gkm/caches/.github/workflows/build.yaml@refs/heads/main",
 *         "https://token.actions.githubusercontent.com");
 * signer.sign(SignatureFormat.COSIGN_V2, repository, digest, Signing.keyless(ci));
 * signer.sign(SignatureFormat.SIGSTORE_BUNDLE, repository, digest, Signing.keyed().with(SignatureDefect.TAMPERED_PAYLOAD));
 * }</pre>
 *
 * Thread-safe: the Rekor log serialises appends.
 */
public final class SandboxSigstore {
    /**
     * How long before creation the CA and logs are trusted: defects that backdate a certificate
     * or an integrated time by up to an hour must fail for that defect, not for a trust window.
     */
    private static final Duration TRUSTED_BEFORE_CREATION = Duration.ofDays(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Instant trustedSince;
    private final SandboxCtLog ctLog;
    private final SandboxFulcio fulcio;
    private final SandboxFulcio untrustedFulcio;
    private final SandboxRekor rekor;
    private final KeyPair signingKey;

    private SandboxSigstore(Instant trustedSince) {
        this.trustedSince = trustedSince;
        this.ctLog = new SandboxCtLog();
        this.fulcio = new SandboxFulcio("gkm-test-fulcio", trustedSince, ctLog);
        this.untrustedFulcio = new SandboxFulcio("gkm-untrusted-fulcio", trustedSince, ctLog);
        this.rekor = new SandboxRekor();
        this.signingKey = Crypto.ecKeyPair(Crypto.P256);
    }

    public static SandboxSigstore create() {
        return new SandboxSigstore(Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(TRUSTED_BEFORE_CREATION));
    }

    /** The trusted CA, listed in the trusted root. */
    public SandboxFulcio fulcio() {
        return fulcio;
    }

    /**
     * A second CA with its own root, absent from the trusted root. Its leaves still carry a valid
     * SCT from {@link #ctLog()}: a CT log logs any chain it accepts, trust is the verifier's call.
     */
    public SandboxFulcio untrustedFulcio() {
        return untrustedFulcio;
    }

    public SandboxCtLog ctLog() {
        return ctLog;
    }

    public SandboxRekor rekor() {
        return rekor;
    }

    /** The EC P-256 key pair of {@link Signing#keyed()} signatures (cosign's {@code cosign.key}). */
    public KeyPair signingKey() {
        return signingKey;
    }

    /** {@link #signingKey()}'s public half as PEM, the form of cosign's {@code cosign.pub} and Kyverno's {@code publicKeys}. */
    public String signingPublicKeyPem() {
        return Crypto.pem(signingKey.getPublic());
    }

    /** When the CA, Rekor and CT log became trusted (the trusted root's {@code validFor.start}). */
    public Instant trustedSince() {
        return trustedSince;
    }

    /** The Sigstore {@code trusted_root.json} that trusts this Sigstore's CA, Rekor and CT log (not the untrusted CA). */
    public String trustedRootJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(TrustedRootJson.of(fulcio, rekor, ctLog, trustedSince));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree built in memory", e);
        }
    }

    /** Writes {@link #trustedRootJson()} to {@code file} (parents created) and returns {@code file}. */
    public Path writeTrustedRoot(Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            return Files.writeString(file, trustedRootJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the trusted root to " + file, e);
        }
    }

    /**
     * A signer that attaches signatures of this Sigstore to images in {@code registry}
     * ({@code host:port}, e.g. {@code 127.0.0.1:5000}), reached through {@code client}.
     */
    public ImageSigner imageSigner(RegistryClient client, String registry) {
        return new ImageSigner(this, client, registry);
    }
}
