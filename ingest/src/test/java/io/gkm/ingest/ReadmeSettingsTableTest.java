package io.gkm.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.core.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** ingest/README.md lists the ingest settings exactly as declared. */
class ReadmeSettingsTableTest {
    @Test
    void readmeListsEveryIngestSettingAsDeclared() throws IOException {
        String readme = Files.readString(Path.of("README.md"));

        for (String row : Settings.markdownTable(IngestSettings.all()).split("\n")) {
            assertThat(readme).as("README row (regenerate from Settings.markdownTable(IngestSettings.all()))").contains(row);
        }
    }
}
