package io.gkm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Failure paths of the registry process and skopeo helper, with real processes. */
class OciRegistryServerTest {

    @Test
    void missingRegistryBinaryFailsWithTheInstallCommand(@TempDir Path tmp) {
        Path missing = tmp.resolve("no-such-docker-registry");

        assertThatThrownBy(() -> OciRegistryServer.start(missing, tmp, Duration.ofSeconds(1)))
                .isInstanceOf(AssertionFailedError.class)
                .isNotInstanceOf(TestAbortedException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("apt-get install -y docker-registry");
    }

    @Test
    void registryThatExitsFailsWithItsOutputAndLeavesNoTempDir(@TempDir Path tmp) throws Exception {
        // /bin/echo plays a registry that prints something and exits at once
        Path echo = Path.of("/bin/echo");
        Path parent = Files.createDirectories(tmp.resolve("parent"));

        assertThatThrownBy(() -> OciRegistryServer.start(echo, parent, Duration.ofSeconds(15)))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("exited with code 0")
                // the captured output: echo printed its arguments, "serve <config.yml>"
                .hasMessageContaining("serve " + parent);
        try (Stream<Path> left = Files.list(parent)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void missingSkopeoFailsWithTheInstallCommand(@TempDir Path tmp) throws Exception {
        Path tar = Files.write(tmp.resolve("image.tar"), new byte[] {1});
        OciRegistry registry = new OciRegistry("127.0.0.1:1", tmp, tmp.resolve("no-such-skopeo"));

        assertThatThrownBy(() -> registry.pushDockerArchive(tar, "repo", "tag"))
                .isInstanceOf(AssertionFailedError.class)
                .isNotInstanceOf(TestAbortedException.class)
                .hasMessageContaining("no-such-skopeo")
                .hasMessageContaining("apt-get install -y skopeo");
    }
}
