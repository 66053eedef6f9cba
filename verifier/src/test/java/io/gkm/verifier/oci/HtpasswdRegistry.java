package io.gkm.verifier.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A second Debian {@code docker-registry} with htpasswd basic auth, on 127.0.0.1 with its own
 * temp dir: the testkit's shared registry has no auth. The password file is bcrypt, as the
 * registry requires.
 */
final class HtpasswdRegistry implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Process process;
    private final Path dir;
    private final int port;

    private HtpasswdRegistry(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    static HtpasswdRegistry start(String user, String password) {
        try {
            Path dir = Files.createTempDirectory("gkm-htpasswd-registry-");
            byte[] salt = new byte[16];
            new SecureRandom().nextBytes(salt);
            Files.writeString(dir.resolve("htpasswd"),
                    user + ":" + OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 5) + "\n");
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            Files.writeString(dir.resolve("config.yml"), String.join("\n",
                    "version: 0.1",
                    "log:",
                    "  level: warn",
                    "  accesslog:",
                    "    disabled: true",
                    "storage:",
                    "  filesystem:",
                    "    rootdirectory: " + dir.resolve("storage"),
                    "auth:",
                    "  htpasswd:",
                    "    realm: gkm-test",
                    "    path: " + dir.resolve("htpasswd"),
                    "http:",
                    "  addr: 127.0.0.1:" + port,
                    ""), StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder(BINARY.toString(), "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("REGISTRY_"));
            HtpasswdRegistry registry = new HtpasswdRegistry(pb.start(), dir, port);
            registry.awaitChallenge();
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + BINARY + " with htpasswd auth", e);
        }
    }

    String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** Ready when GET /v2/ answers 401 (the htpasswd challenge). */
    private void awaitChallenge() throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ping = HttpRequest.newBuilder(URI.create("http://" + hostPort() + "/v2/"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode() == 401) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        String log = Files.readString(dir.resolve("registry.log"));
        close();
        throw new IllegalStateException("docker-registry with htpasswd did not answer 401 on /v2/; its log:\n" + log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
