package io.gkm.verifier.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads a containers/image {@code dir-img-*} fixture: the image manifest, whose sha256 is the image
 * digest, and the {@code signature-N} files, each {@code \0sigstore-json\n} + JSON
 * {@code {mimeType, payload (base64), annotations}}: the layers a registry's {@code .sig} manifest
 * would hold.
 *
 * <p>Several fixture files are git symlinks that the fixture copy holds as plain files whose text
 * is the link target ({@code ../dir-img-cosign-valid/signature-1}); they are followed. A link
 * whose target was not copied (only {@code dir-img-cosign-manifest-digest-error/manifest.json},
 * to a schema 1 manifest) stays its own text, which is what a checkout without symlink support
 * gives: a manifest, just not the signed one.
 */
record ContainersImageFixture(Path dir, Optional<String> imageDigest, List<SignatureLayer> layers) {
    private static final byte[] MAGIC = "\0sigstore-json\n".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    static ContainersImageFixture read(Path dir) {
        Path manifest = dir.resolve("manifest.json");
        Optional<String> digest = Files.exists(manifest) ? Optional.of(sha256(readFollowingLinks(manifest))) : Optional.empty();
        List<SignatureLayer> layers = new ArrayList<>();
        for (int n = 1; Files.exists(dir.resolve("signature-" + n)); n++) {
            layers.add(layer(readFollowingLinks(dir.resolve("signature-" + n))));
        }
        return new ContainersImageFixture(dir, digest, layers);
    }

    static List<Path> all(Path containersImage) {
        try (Stream<Path> dirs = Files.list(containersImage)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("dir-img-")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's content, or its link target's when it is a git symlink held as text. */
    private static byte[] readFollowingLinks(Path file) {
        byte[] content = bytes(file);
        Optional<Path> target = linkTarget(file, content);
        return target.filter(Files::exists).map(ContainersImageFixture::readFollowingLinks).orElse(content);
    }

    /** Where a git symlink held as text points: short, one line, a relative path. */
    private static Optional<Path> linkTarget(Path file, byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8);
        if (content.length == 0 || content.length > 255 || !text.matches("[A-Za-z0-9._/-]+") || !text.contains("/")) {
            return Optional.empty();
        }
        return Optional.of(file.resolveSibling(text).normalize());
    }

    private static SignatureLayer layer(byte[] file) {
        if (file.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(file, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException("not a sigstore-json signature file");
        }
        try {
            JsonNode json = JSON.readTree(Arrays.copyOfRange(file, MAGIC.length, file.length));
            Map<String, String> annotations = new LinkedHashMap<>();
            json.path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
            return new SignatureLayer(json.path("mimeType").asText(),
                    Base64.getDecoder().decode(json.path("payload").asText()), annotations);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
