package io.gkm.verifier.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gkm.verifier.trust.Check;
import io.gkm.verifier.trust.VerificationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The subject digests (sha256, lower-case hex) of an in-toto statement (v0.1 or v1). Read here rather than with sigstore-java's
 * {@code InTotoPayload}, which refuses subjects without a {@code name}: exactly what
 * {@code cosign sign} writes in its v3 bundles.
 */
record InTotoStatement(List<String> subjectSha256) {
    static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    static InTotoStatement parse(byte[] payload) throws VerificationException {
        JsonNode statement;
        try {
            statement = JSON.readTree(payload);
        } catch (IOException e) {
            throw new VerificationException(Check.FORMAT, "DSSE payload is not an in-toto statement: "
                    + e.getMessage(), e);
        }
        if (statement == null || !statement.path("subject").isArray()) {
            throw new VerificationException(Check.FORMAT, "in-toto statement has no subject list");
        }
        List<String> digests = new ArrayList<>();
        for (JsonNode subject : statement.path("subject")) {
            JsonNode sha256 = subject.path("digest").path("sha256");
            if (sha256.isTextual()) {
                digests.add(sha256.asText().toLowerCase(Locale.ROOT));
            }
        }
        return new InTotoStatement(List.copyOf(digests));
    }
}
