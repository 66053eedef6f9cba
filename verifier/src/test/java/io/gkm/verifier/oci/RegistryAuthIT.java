package io.gkm.verifier.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.core.image.ImageReference;
import io.gkm.testkit.OciRegistry;
import io.gkm.testkit.WithOciRegistry;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials from a docker config.json: basic auth against a real Debian registry with htpasswd;
 * the bearer-token flow against a loopback token service in front of the testkit's real registry.
 */
@WithOciRegistry
class RegistryAuthIT {
    private static final String USER = "gkm-ci";
    private static final String PASSWORD = "pa:ss-" + UUID.randomUUID();
    private static HtpasswdRegistry basicRegistry;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBasicAuthRegistry() {
        basicRegistry = HtpasswdRegistry.start(USER, PASSWORD);
    }

    @AfterAll
    static void stopBasicAuthRegistry() throws IOException {
        basicRegistry.close();
    }

    private RegistryCredentials dockerConfig(String registry, String user, String password) throws IOException {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("config-" + UUID.randomUUID() + ".json");
        Files.writeString(file, "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + auth + "\"}}}");
        return RegistryCredentials.fromDockerConfig(file);
    }

    @Test
    void basicAuthFromDockerConfigPushesAndFetchesAndIsSentUpFrontOnceKnown() throws IOException {
        RegistryClient client = RegistryClient.builder()
                .credentials(dockerConfig(basicRegistry.hostPort(), USER, PASSWORD)).build();
        ImageReference target = ImageReference.parse(basicRegistry.hostPort() + "/gkm/cache:v1");
        PushedImage pushed = McvImageBuilder.create().build().push(client, target);

        long before = client.requestCount();
        assertThat(client.resolve(target)).isEqualTo(pushed.digest());
        Manifest manifest = client.fetchManifest(pushed.byDigest());
        assertThat(McvLabels.fromLabels(client.fetchImageConfig(target, manifest).labels())).isPresent();
        assertThat(client.requestCount() - before).as("no more 401 round trips").isEqualTo(3);
    }

    @Test
    void aWrongPasswordIsFatalUnauthorizedNamingTheUser() throws IOException {
        RegistryClient client = RegistryClient.builder()
                .credentials(dockerConfig(basicRegistry.hostPort(), USER, "wrong")).build();
        assertThatThrownBy(() -> client.resolve(ImageReference.parse(basicRegistry.hostPort() + "/gkm/cache:v1")))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.UNAUTHORIZED))
                .hasMessageContaining(USER).hasMessageContaining("docker login").hasMessageNotContaining("wrong");
    }

    @Test
    void noCredentialsForAnAuthRegistryIsFatalUnauthorized() {
        assertThatThrownBy(() -> RegistryClient.builder().build()
                .resolve(ImageReference.parse(basicRegistry.hostPort() + "/gkm/cache:v1")))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.UNAUTHORIZED))
                .hasMessageContaining("there are none for " + basicRegistry.hostPort());
    }

    @Test
    void bearerTokenFlowGetsAScopedTokenOnceAndReusesIt(OciRegistry registry) throws IOException {
        String repository = registry.uniqueRepository("gkm/cache");
        PushedImage image = McvImageBuilder.create().build().push(RegistryClient.builder().build(),
                ImageReference.parse(registry.hostPort() + "/" + repository + ":v1"));
        try (TokenGate gate = new TokenGate(registry, USER, PASSWORD, null)) {
            RegistryClient client = RegistryClient.builder()
                    .credentials(dockerConfig(gate.hostPort(), USER, PASSWORD)).build();
            ImageReference viaGate = ImageReference.parse(gate.hostPort() + "/" + repository + ":v1");

            Manifest manifest = client.fetchManifest(viaGate);
            assertThat(manifest.digest()).isEqualTo(image.digest());
            assertThat(client.requestCount()).as("401, token, retry").isEqualTo(3);
            LoopbackHttpServer.Seen tokenRequest = gate.server.seen().get(1);
            assertThat(URLDecoder.decode(tokenRequest.pathAndQuery(), StandardCharsets.UTF_8))
                    .isEqualTo("/token?service=gkm-test&scope=repository:" + repository + ":pull");
            assertThat(tokenRequest.authorization()).startsWith("Basic ");

            client.fetchImageConfig(viaGate, manifest);
            assertThat(client.requestCount()).as("cached token, no 401").isEqualTo(4);
        }
    }

    @Test
    void aTokenServiceRefusingTheCredentialsIsFatalUnauthorized(OciRegistry registry) throws IOException {
        try (TokenGate gate = new TokenGate(registry, USER, PASSWORD, null)) {
            RegistryClient client = RegistryClient.builder()
                    .credentials(dockerConfig(gate.hostPort(), USER, "not-the-password")).build();
            assertThatThrownBy(() -> client.resolve(ImageReference.parse(gate.hostPort() + "/gkm/cache:v1")))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.UNAUTHORIZED))
                    .hasMessageContaining("token service").hasMessageContaining(USER);
        }
    }

    @Test
    void aTokenRealmOnPlainHttpElsewhereIsRefusedBeforeSendingCredentials(OciRegistry registry) throws IOException {
        try (TokenGate gate = new TokenGate(registry, USER, PASSWORD, "http://198.51.100.7/token")) {
            RegistryClient client = RegistryClient.builder()
                    .credentials(dockerConfig(gate.hostPort(), USER, PASSWORD)).build();
            assertThatThrownBy(() -> client.resolve(ImageReference.parse(gate.hostPort() + "/gkm/cache:v1")))
                    .isInstanceOfSatisfying(RegistryException.class,
                            e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.INSECURE_REFUSED))
                    .hasMessageContaining("198.51.100.7");
            assertThat(client.requestCount()).as("only the request that was challenged").isEqualTo(1);
        }
    }

    /**
     * A bearer-token gate in front of the real registry: {@code /token} checks basic credentials
     * and issues a token; {@code /v2/...} answers 401 with a Bearer challenge without that token,
     * and with it forwards GET and HEAD to the registry.
     */
    private static final class TokenGate implements AutoCloseable {
        final LoopbackHttpServer server;
        private final String token = UUID.randomUUID().toString();
        private final HttpClient http = HttpClient.newHttpClient();

        TokenGate(OciRegistry registry, String user, String password, String realmOverride) {
            String basic = "Basic " + Base64.getEncoder().encodeToString(
                    (user + ":" + password).getBytes(StandardCharsets.UTF_8));
            String[] realm = new String[1];
            server = LoopbackHttpServer.start((exchange, n) -> {
                String path = exchange.getRequestURI().getRawPath();
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                if (path.equals("/token")) {
                    boolean ok = basic.equals(authorization);
                    LoopbackHttpServer.respond(exchange, ok ? 200 : 401, (ok
                            ? "{\"token\":\"" + token + "\",\"expires_in\":300}"
                            : "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}")
                            .getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
                    return;
                }
                if (!("Bearer " + token).equals(authorization)) {
                    String repository = path.replaceFirst("^/v2/(.+)/(manifests|blobs)/.*$", "$1");
                    LoopbackHttpServer.respond(exchange, 401, new byte[0], "WWW-Authenticate", "Bearer realm=\""
                            + realm[0] + "\",service=\"gkm-test\",scope=\"repository:" + repository + ":pull\"");
                    return;
                }
                forward(registry, exchange);
            });
            realm[0] = realmOverride != null ? realmOverride : "http://" + server.hostPort() + "/token";
        }

        String hostPort() {
            return server.hostPort();
        }

        private void forward(OciRegistry registry, com.sun.net.httpserver.HttpExchange exchange) throws IOException {
            HttpRequest.Builder request = HttpRequest.newBuilder(registry.baseUri().resolve(
                    exchange.getRequestURI().getRawPath().substring(1)))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
            String accept = exchange.getRequestHeaders().getFirst("Accept");
            if (accept != null) {
                request.header("Accept", accept);
            }
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            List<String> copied = new java.util.ArrayList<>();
            for (String header : List.of("Content-Type", "Docker-Content-Digest")) {
                response.headers().firstValue(header).ifPresent(v -> {
                    copied.add(header);
                    copied.add(v);
                });
            }
            LoopbackHttpServer.respond(exchange, response.statusCode(), response.body(), copied.toArray(String[]::new));
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
