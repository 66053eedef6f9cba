package io.gkm.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Failure path of the skopeo helper, with a real (missing) process. */
class OciRegistryTest {

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
