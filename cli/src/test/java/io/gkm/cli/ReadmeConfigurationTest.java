package io.gkm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.core.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table is generated from the declarations; this keeps it so. */
class ReadmeConfigurationTest {
    @Test
    void readmeListsEverySettingOfEveryCommandAsDeclared() throws IOException {
        Path readme = Path.of("..", "README.md");
        assertThat(readme).exists();
        String text = Files.readString(readme);
        for (String row : Settings.markdownTable(ConfigCommand.everySetting()).split("\n")) {
            assertThat(text).as("README row (regenerate with: ./gkm config --markdown)").contains(row);
        }
    }
}
