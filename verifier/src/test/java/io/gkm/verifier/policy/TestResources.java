package io.gkm.verifier.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gkm.testkit.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Test inputs: GKM example resources and seed policies from the shared fixtures, temp files, fresh keys. */
final class TestResources {

    static final String SEED_POLICIES = "gkm/config/kyverno/policies";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private TestResources() {}

    /** The first non-empty YAML document of a fixture, as a resource. */
    static KubeResource exampleResource(String fixture) {
        try {
            return resource(Files.readString(Fixtures.path(fixture)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first non-empty document of YAML text, as a resource. */
    static KubeResource resource(String yaml) {
        try {
            List<Map<String, Object>> documents = YAML.readerFor(new TypeReference<Map<String, Object>>() { })
                    .<Map<String, Object>>readValues(yaml).readAll();
            return KubeResource.of(documents.stream().filter(Objects::nonNull).findFirst().orElseThrow());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String seedPolicyText(String file) {
        try {
            return Files.readString(Fixtures.path(SEED_POLICIES + "/" + file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A seed policy with one edit, so a bad case stays tied to the real file; fails if the text to edit is gone. */
    static String editedSeedPolicy(String file, String find, String replacement) {
        String text = seedPolicyText(file);
        assertThat(text).as("seed policy %s still holds the text this test edits", file).contains(find);
        return text.replace(find, replacement);
    }

    static Path write(Path dir, String name, String content) {
        try {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh EC P-256 public key in PEM, made for the test. */
    static String publicKeyPem() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            String base64 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(
                    generator.generateKeyPair().getPublic().getEncoded());
            return "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Indents every line of {@code text} by {@code spaces}, for YAML block scalars. */
    static String indent(String text, int spaces) {
        return text.lines().map(line -> " ".repeat(spaces) + line).reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
