package io.gkm.localregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failure paths of the registry process, with real processes. */
class LocalRegistryTest {

    @Test
    void missingRegistryBinaryFailsWithTheInstallCommand(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-such-docker-registry");

        assertThatThrownBy(() -> LocalRegistry.start(missing, tmp, Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(LocalRegistryException.class, e -> assertThat(e.binaryMissing()).isTrue())
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("apt-get install -y docker-registry");
    }

    @Test
    void registryThatExitsFailsWithItsOutputAndLeavesNoTempDir(@TempDir Path tmp) throws Exception {
        // /bin/echo plays a registry that prints something and exits at once
        Path echo = Path.of("/bin/echo");
        Path parent = Files.createDirectories(tmp.resolve("parent"));

        assertThatThrownBy(() -> LocalRegistry.start(echo, parent, Duration.ofSeconds(15)))
                .isInstanceOfSatisfying(LocalRegistryException.class, e -> assertThat(e.binaryMissing()).isFalse())
                .hasMessageContaining("exited with code 0")
                // the captured output: echo printed its arguments, "serve <config.yml>"
                .hasMessageContaining("serve " + parent);
        try (Stream<Path> left = Files.list(parent)) {
            assertThat(left).isEmpty();
        }
    }
}
