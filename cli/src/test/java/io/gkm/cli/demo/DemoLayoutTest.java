package io.gkm.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoLayoutTest {
    @TempDir
    Path data;

    @Test
    void aFreshDemoEmptiesItsOwnFolderAndLeavesGkmDevsDataAlone() throws Exception {
        Path devKafka = Files.writeString(Files.createDirectories(data.resolve("kafka")).resolve("meta.properties"), "dev");
        Path oldDemo = Files.writeString(Files.createDirectories(data.resolve("demo/nodes/n/caches/x")).resolve("f"), "old");

        DemoLayout layout = DemoLayout.fresh(data);

        assertThat(layout.root()).isEqualTo(data.resolve("demo").toAbsolutePath().normalize()).isEmptyDirectory();
        assertThat(oldDemo).doesNotExist();
        assertThat(devKafka).hasContent("dev");
    }

    @Test
    void aFirstDemoMakesItsFolder() {
        assertThat(DemoLayout.fresh(data.resolve("not-yet")).root()).isEmptyDirectory();
    }
}
