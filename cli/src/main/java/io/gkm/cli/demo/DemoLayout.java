package io.gkm.cli.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where {@code gkm demo} keeps what it makes, all under {@code <GKM_DEV_DATA_DIR>/demo}: the
 * broker's data, the webhook's certificate, the sandbox trust root, the policies, and each
 * simulated node's sysfs tree and cache root. A new demo starts from an empty folder.
 */
public record DemoLayout(Path root) {
    /** The demo's folder under {@code dataDir}, emptied of what an earlier demo left. */
    public static DemoLayout fresh(Path dataDir) {
        Path root = dataDir.resolve("demo").toAbsolutePath().normalize();
        try {
            if (Files.exists(root)) {
                try (Stream<Path> old = Files.walk(root)) {
                    for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty the demo folder " + root + " (" + e.getMessage()
                    + "); delete it by hand or set GKM_DEV_DATA_DIR to another folder", e);
        }
        return new DemoLayout(root);
    }

    public Path kafka() {
        return root.resolve("kafka");
    }

    public Path tls() {
        return root.resolve("tls");
    }

    public Path policies() {
        return root.resolve("policies");
    }

    public Path trustedRoot() {
        return root.resolve("trusted_root.json");
    }

    /** A Docker config without credentials: the demo's registry needs none, and the user's are none of its business. */
    public Path dockerConfig() {
        return root.resolve("docker-config.json");
    }

    /** A simulated node's folder: {@code sysfs/} and {@code caches/} below it. */
    public Path node(String name) {
        return root.resolve("nodes").resolve(name);
    }
}
