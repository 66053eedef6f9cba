package io.gkm.verifier.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gkm.core.image.ImageReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Registry credentials from a docker {@code config.json}: the {@code auths} entries with an
 * {@code auth} (base64 {@code user:password}) or {@code username} + {@code password}. Used for
 * basic auth and as the client credentials of the bearer-token flow. Credential helpers
 * ({@code credsStore}, {@code credHelpers}) and identity tokens are not read: entries that only
 * have those are skipped.
 */
public final class RegistryCredentials {

    /** A user name and password; {@link #toString()} does not show the password. */
    record Credential(String username, String password) {
        String basicAuthorization() {
            return "Basic " + Base64.getEncoder().encodeToString(
                    (username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Credential[" + username + ", password hidden]";
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Credential> byRegistry;
    private final String source;

    private RegistryCredentials(Map<String, Credential> byRegistry, String source) {
        this.byRegistry = Map.copyOf(byRegistry);
        this.source = source;
    }

    /** No credentials: anonymous access only. */
    public static RegistryCredentials none() {
        return new RegistryCredentials(Map.of(), "no credentials");
    }

    /**
     * Reads {@code configJson}. Fails with the path and the problem if the file is missing or is
     * not a docker config.
     */
    public static RegistryCredentials fromDockerConfig(Path configJson) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(configJson));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read registry credentials from " + configJson + ": " + e
                    + " (expected a docker config.json, as written by docker login)", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(configJson + " is not a docker config.json: expected a JSON object");
        }
        Map<String, Credential> credentials = new HashMap<>();
        JsonNode auths = root.path("auths");
        for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            credential(entry.getValue(), configJson, entry.getKey())
                    .ifPresent(c -> credentials.put(normalise(entry.getKey()), c));
        }
        return new RegistryCredentials(credentials, configJson.toString());
    }

    /**
     * The docker default: {@code $DOCKER_CONFIG/config.json}, else {@code <home>/.docker/config.json};
     * {@link #none()} when that file does not exist.
     */
    public static RegistryCredentials fromDefaultDockerConfig(Map<String, String> env, Path home) {
        String dir = env.get("DOCKER_CONFIG");
        Path file = dir != null && !dir.isBlank() ? Path.of(dir, "config.json") : home.resolve(".docker/config.json");
        return Files.isRegularFile(file) ? fromDockerConfig(file) : none();
    }

    /** The credential for a registry as written in an image reference ({@code docker.io}, {@code host:port}). */
    Optional<Credential> forRegistry(String registry) {
        return Optional.ofNullable(byRegistry.get(normalise(registry)));
    }

    /** Where the credentials came from, for error messages. */
    String source() {
        return source;
    }

    /**
     * {@code https://index.docker.io/v1/}, {@code registry-1.docker.io} and {@code docker.io} are one
     * registry; other keys lose scheme and path ({@code https://quay.io/v2/} is {@code quay.io}).
     */
    static String normalise(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        int scheme = k.indexOf("://");
        if (scheme >= 0) {
            k = k.substring(scheme + 3);
        }
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        if (k.equals("index.docker.io") || k.equals(ImageReference.DOCKER_HUB_API)) {
            return ImageReference.DOCKER_HUB;
        }
        return k;
    }

    private static Optional<Credential> credential(JsonNode entry, Path file, String key) {
        String auth = entry.path("auth").asText("");
        if (!auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": auths." + key + ".auth is not base64 of user:password", e);
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(file + ": auths." + key + ".auth is not base64 of user:password");
            }
            return Optional.of(new Credential(decoded.substring(0, colon), decoded.substring(colon + 1)));
        }
        String username = entry.path("username").asText("");
        String password = entry.path("password").asText("");
        if (!username.isEmpty() && !password.isEmpty()) {
            return Optional.of(new Credential(username, password));
        }
        return Optional.empty();
    }
}
