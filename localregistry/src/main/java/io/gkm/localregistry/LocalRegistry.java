package io.gkm.localregistry;

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
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's CNCF distribution registry as a {@code docker-registry serve} child process with its
 * own config in a temp dir: 127.0.0.1 only, plain HTTP, no auth, filesystem storage in the temp
 * dir, deletes enabled. Stopped, and its temp dir deleted, by {@link #close()} or at JVM exit.
 * For testkit's {@code @WithOciRegistry}, {@code gkm bench verify} and {@code gkm demo}: never a
 * registry to keep anything in.
 */
public final class LocalRegistry implements AutoCloseable {

    public static final Path DEFAULT_BINARY = Path.of("/usr/bin/docker-registry");
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(15);
    public static final String INSTALL_HINT = "apt-get install -y docker-registry";

    private final Process process;
    private final Path tempDir;
    private final Path storageDir;
    private final Path logFile;
    private final int port;
    private final Thread shutdownHook;
    private boolean closed;

    private LocalRegistry(Process process, Path tempDir, Path storageDir, Path logFile, int port) {
        this.process = process;
        this.tempDir = tempDir;
        this.storageDir = storageDir;
        this.logFile = logFile;
        this.port = port;
        this.shutdownHook = new Thread(this::stopQuietly, "oci-registry-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** {@link #DEFAULT_BINARY} in the JVM's temp dir, ready within {@link #DEFAULT_READY_TIMEOUT}. */
    public static LocalRegistry start() {
        return start(DEFAULT_BINARY, Path.of(System.getProperty("java.io.tmpdir")), DEFAULT_READY_TIMEOUT);
    }

    /**
     * Like {@link #start()}, but every request needs HTTP basic auth of a user in {@code htpasswd}
     * (bcrypt hashes only, as the registry requires); ready when {@code GET /v2/} answers 401.
     */
    public static LocalRegistry startWithBasicAuth(Path htpasswd) {
        return start(DEFAULT_BINARY, Path.of(System.getProperty("java.io.tmpdir")), DEFAULT_READY_TIMEOUT,
                Optional.of(htpasswd));
    }

    /**
     * Starts the registry and waits until {@code GET /v2/} answers 200.
     *
     * @throws LocalRegistryException when the binary is missing ({@link LocalRegistryException#binaryMissing()},
     *         with the install command), or with the registry's output when it exits or is not ready in time
     */
    public static LocalRegistry start(Path binary, Path tempParent, Duration readyTimeout) {
        return start(binary, tempParent, readyTimeout, Optional.empty());
    }

    private static LocalRegistry start(Path binary, Path tempParent, Duration readyTimeout, Optional<Path> htpasswd) {
        if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
            throw new LocalRegistryException("OCI registry binary " + binary + " is missing or not executable;"
                    + " install Debian's CNCF distribution registry: " + INSTALL_HINT, true, null);
        }
        Path tempDir;
        try {
            tempDir = Files.createTempDirectory(tempParent, "gkm-oci-registry-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for the OCI registry in " + tempParent, e);
        }
        LocalRegistryException last = null;
        // A free port can be taken between probing and binding: retry a few times.
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return startIn(binary, tempDir, freePort(), readyTimeout, htpasswd);
            } catch (PortTaken e) {
                last = e;
            } catch (RuntimeException | Error e) {
                deleteRecursively(tempDir);
                throw e;
            }
        }
        deleteRecursively(tempDir);
        throw last;
    }

    private static final class PortTaken extends LocalRegistryException {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message, false, null);
        }
    }

    private static LocalRegistry startIn(Path binary, Path tempDir, int port, Duration readyTimeout,
            Optional<Path> htpasswd) {
        Path storage = tempDir.resolve("storage");
        Path config = tempDir.resolve("config.yml");
        Path log = tempDir.resolve("registry-" + port + ".log");
        String yaml = String.join("\n",
                "version: 0.1",
                "log:",
                "  level: warn",
                "  accesslog:",
                "    disabled: true",
                "storage:",
                "  filesystem:",
                "    rootdirectory: " + storage,
                "  delete:",
                "    enabled: true",
                "  maintenance:",
                "    uploadpurging:",
                "      enabled: false",
                htpasswd.map(file -> String.join("\n",
                        "auth:",
                        "  htpasswd:",
                        "    realm: gkm-local",
                        "    path: " + file.toAbsolutePath())).orElse("# no auth"),
                "http:",
                "  addr: 127.0.0.1:" + port,
                "");
        Process process;
        try {
            Files.createDirectories(storage);
            Files.writeString(config, yaml, StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder(binary.toString(), "serve", config.toString())
                    .directory(tempDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // REGISTRY_* variables would override our config (e.g. REGISTRY_HTTP_ADDR).
            pb.environment().keySet().removeIf(k -> k.startsWith("REGISTRY_"));
            process = pb.start();
        } catch (IOException e) {
            throw new LocalRegistryException("cannot start " + binary + " serve " + config + ": " + e, false, e);
        }
        LocalRegistry server = new LocalRegistry(process, tempDir, storage, log, port);
        try {
            server.awaitReady(readyTimeout, htpasswd.isPresent() ? 401 : 200);
            return server;
        } catch (RuntimeException | Error e) {
            server.abandon();
            throw e;
        }
    }

    /** Stops a server that never became ready; its temp dir is left to the caller. */
    private synchronized void abandon() {
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // fine
        }
        stopProcess();
    }

    private void awaitReady(Duration timeout, int readyStatus) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1))
                .build();
        HttpRequest ping = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "no answer";
        while (true) {
            if (!process.isAlive()) {
                String output = output();
                String message = "docker-registry exited with code " + process.exitValue()
                        + " before answering GET /v2/ on 127.0.0.1:" + port + "; its output:\n" + output;
                if (output.contains("address already in use")) {
                    throw new PortTaken(message);
                }
                throw new LocalRegistryException(message, false, null);
            }
            try {
                HttpResponse<String> response = http.send(ping, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == readyStatus) {
                    return;
                }
                lastProblem = "HTTP " + response.statusCode() + " " + response.body();
            } catch (IOException e) {
                lastProblem = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalRegistryException("interrupted waiting for the OCI registry", false, e);
            }
            if (System.nanoTime() > deadline) {
                throw new LocalRegistryException("docker-registry did not answer " + readyStatus
                        + " on GET http://127.0.0.1:" + port + "/v2/ within " + timeout.toSeconds() + " s (last: "
                        + lastProblem + "); its output:\n" + output(), false, null);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalRegistryException("interrupted waiting for the OCI registry", false, e);
            }
        }
    }

    /** What the registry wrote to stdout/stderr so far. */
    public String output() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}: the registry part of image references. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** Holds the config, the storage and the log; deleted by {@link #close()}. */
    public Path tempDir() {
        return tempDir;
    }

    public Path storageDir() {
        return storageDir;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private void stopProcess() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void stopQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcess();
        deleteRecursively(tempDir);
    }

    /** Destroys the process, waits for it, deletes the temp dir (config, storage, log). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs anyway
        }
        stopQuietly();
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
