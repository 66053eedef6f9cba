package io.gkm.verifier.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gkm.testkit.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Base64;

/** The shared Sigstore fixtures ({@code fixtures/sigstore/}) as the verifier's inputs. */
public final class SigstoreFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SigstoreFixtures() {
    }

    /** {@code fixtures/sigstore/<relative>}; skips the test when missing (see {@link Fixtures}). */
    public static Path path(String relative) {
        return Fixtures.path("sigstore/" + relative);
    }

    /** The Sigstore public-good trusted root. */
    public static TrustRoot publicGood() throws VerificationException {
        return TrustRoot.fromFile(path("trusted-roots/public-good.json"));
    }

    /**
     * The Rekor key for the containers/image fixtures. Their {@code rekor.pub} is a git symlink to
     * containers/image's {@code internal/testdata/rekor.pub}, which the fixture copy does not
     * hold. The SETs name log c0d23d6a…, the public-good Rekor, so its key is read from the
     * public-good trusted root instead; a real {@code rekor.pub}, if present, wins.
     */
    public static PublicKey containersImageRekorKey() throws IOException, VerificationException {
        Path rekorPub = path("containers-image/rekor.pub");
        String text = Files.readString(rekorPub, StandardCharsets.US_ASCII);
        if (text.contains("PUBLIC KEY")) {
            return Pem.publicKey(text);
        }
        for (JsonNode log : JSON.readTree(path("trusted-roots/public-good.json").toFile()).path("tlogs")) {
            if (log.path("baseUrl").asText().equals("https://rekor.sigstore.dev")) {
                return Pem.publicKey(Base64.getDecoder().decode(log.path("publicKey").path("rawBytes").asText()));
            }
        }
        throw new IllegalStateException("public-good.json has no https://rekor.sigstore.dev log");
    }
}
