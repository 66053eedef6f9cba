package io.gkm.ingest.admission;

import static io.gkm.ingest.model.GkmApi.KYVERNO_VERIFY_IMAGES_ANNOTATION;

import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.testkit.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * GKM's example resources and what Kyverno does to them under GKM's policies
 * (fixtures/gkm/config/kyverno/policies): a rule acts on a resource when it matches its kind and
 * labels and has an image extractor for the kind; it then pins {@code spec.image} to the digest
 * (keeping the tag) and writes {@code kyverno.io/verify-images} keyed by {@code registry/path@digest}
 * (Kyverno's form of the reference: registry and path as written, docker.io added, tag dropped).
 */
public final class GkmExamples {
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private GkmExamples() {
    }

    /** An example resource, e.g. {@code namespace/11-gkmcache.yaml}. */
    public static JsonNode read(String example) {
        return YAML.readTree(Fixtures.path("gkm/examples/" + example).toFile());
    }

    public static boolean isCache(JsonNode resource) {
        return CacheKind.of("gkm.io", "v1alpha1", resource.path("kind").asString()).isPresent()
                && resource.path("apiVersion").asString().equals("gkm.io/v1alpha1");
    }

    public static CacheKind kind(JsonNode resource) {
        return CacheKind.of("gkm.io", "v1alpha1", resource.path("kind").asString()).orElseThrow();
    }

    /** The digest the registry is pretended to hold for an image: stable per image. */
    public static String digestOf(String image) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(image.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether one of GKM's Kyverno policies verifies this resource. */
    public static boolean kyvernoVerifies(JsonNode resource) {
        String kind = resource.path("kind").asString();
        JsonNode labels = resource.path("metadata").path("labels");
        for (JsonNode policy : policies()) {
            for (JsonNode rule : policy.path("spec").path("rules")) {
                if (rule.path("verifyImages").isEmpty() || !rule.path("imageExtractors").has(kind)) {
                    continue;
                }
                for (JsonNode any : rule.path("match").path("any")) {
                    JsonNode resources = any.path("resources");
                    boolean kindMatches = false;
                    for (JsonNode k : resources.path("kinds")) {
                        kindMatches |= k.asString().equals(kind);
                    }
                    boolean labelsMatch = true;
                    for (Map.Entry<String, JsonNode> l : resources.path("selector").path("matchLabels").properties()) {
                        labelsMatch &= l.getValue().asString().equals(labels.path(l.getKey()).asString(null));
                    }
                    if (kindMatches && labelsMatch) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The resource as it reaches GKM's webhook after Kyverno's mutating webhook. */
    public static JsonNode asKyvernoLeavesIt(JsonNode resource) {
        ObjectNode copy = (ObjectNode) resource.deepCopy();
        if (!kyvernoVerifies(resource)) {
            return copy;
        }
        String image = resource.path("spec").path("image").asString();
        String digest = digestOf(image);
        String kyvernoKey = ImageReference.parse(image).withDigest(Digest.parse(digest)).kyvernoForm();
        ((ObjectNode) copy.path("spec")).put("image", image + "@" + digest);
        ObjectNode metadata = (ObjectNode) copy.path("metadata");
        if (!metadata.path("annotations").isObject()) {
            metadata.putObject("annotations");
        }
        ((ObjectNode) metadata.path("annotations")).put(KYVERNO_VERIFY_IMAGES_ANNOTATION,
                "{\"" + kyvernoKey + "\":\"pass\"}");
        return copy;
    }

    private static List<JsonNode> policies() {
        List<JsonNode> policies = new ArrayList<>();
        try (Stream<Path> files = Files.list(Fixtures.path("gkm/config/kyverno/policies"))) {
            files.filter(p -> p.toString().endsWith(".yaml")).sorted()
                    .map(p -> YAML.readTree(p.toFile()))
                    .filter(doc -> doc.path("kind").asString("").equals("ClusterPolicy"))
                    .forEach(policies::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list GKM's Kyverno policies", e);
        }
        return policies;
    }
}
