package io.gkm.verifier.oci;

import io.gkm.localregistry.LocalRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * A second Debian {@code docker-registry} with htpasswd basic auth for one user: the testkit's
 * shared registry has no auth. The password file is bcrypt, as the registry requires.
 */
final class HtpasswdRegistry implements AutoCloseable {
    private final LocalRegistry registry;
    private final Path htpasswd;

    private HtpasswdRegistry(LocalRegistry registry, Path htpasswd) {
        this.registry = registry;
        this.htpasswd = htpasswd;
    }

    static HtpasswdRegistry start(String user, String password) {
        try {
            Path htpasswd = Files.createTempFile("gkm-htpasswd-", "");
            byte[] salt = new byte[16];
            new SecureRandom().nextBytes(salt);
            Files.writeString(htpasswd, user + ":" + OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 5)
                    + "\n");
            return new HtpasswdRegistry(LocalRegistry.startWithBasicAuth(htpasswd), htpasswd);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the htpasswd file of a basic-auth registry", e);
        }
    }

    String hostPort() {
        return registry.hostPort();
    }

    @Override
    public void close() throws IOException {
        registry.close();
        Files.deleteIfExists(htpasswd);
    }
}
