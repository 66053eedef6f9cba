package io.gkm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class FixturesTest {

    private static final String GKM_IMAGE = "gkm/mcv/example/vector-add-cache-rocm.tar";

    @Test
    void presentFixtureIsReturnedAsIs() throws Exception {
        Path tar = Fixtures.path(GKM_IMAGE);

        assertThat(tar).isAbsolute().isRegularFile().endsWith(Path.of(GKM_IMAGE));
        // a real `docker save` tar: ustar magic at offset 257, and its manifest.json entry
        try (InputStream in = Files.newInputStream(tar)) {
            byte[] header = in.readNBytes(512);
            assertThat(new String(header, 257, 5, StandardCharsets.US_ASCII)).isEqualTo("ustar");
        }
        assertThat(Files.size(tar)).isEqualTo(100352L);
    }

    @Test
    void presentBranchOfTheDecisionWithAnExplicitRootAndRequiredFlag(@TempDir Path elsewhere) {
        Path realRoot = Fixtures.path(GKM_IMAGE).getParent().getParent().getParent().getParent();
        Map<String, String> env = Map.of(Fixtures.ENV_ROOT, realRoot.toString(), Fixtures.ENV_REQUIRED, "true");

        Path found = Fixtures.locate(env, elsewhere, GKM_IMAGE);

        assertThat(found).isEqualTo(realRoot.resolve(GKM_IMAGE)).isRegularFile();
    }

    @Test
    void missingFixtureFailsWhenRequired(@TempDir Path root) {
        Map<String, String> env = Map.of(Fixtures.ENV_ROOT, root.toString(), Fixtures.ENV_REQUIRED, "true");

        assertThatThrownBy(() -> Fixtures.locate(env, root, "gkm/nope.tar"))
                .isInstanceOf(AssertionFailedError.class)
                .isNotInstanceOf(TestAbortedException.class)
                .hasMessageContaining(root.resolve("gkm/nope.tar").toString())
                .hasMessageContaining("GKM_FIXTURES_REQUIRED=true")
                .hasMessageContaining("GKM_FIXTURES=");
    }

    @Test
    void requiredFlagIsCaseInsensitive(@TempDir Path root) {
        Map<String, String> env = Map.of(Fixtures.ENV_ROOT, root.toString(), Fixtures.ENV_REQUIRED, "TRUE");

        assertThatThrownBy(() -> Fixtures.locate(env, root, "x")).isInstanceOf(AssertionFailedError.class);
    }

    @Test
    void missingFixtureSkipsWhenNotRequired(@TempDir Path root) {
        for (Map<String, String> env : new Map[] {
                Map.of(Fixtures.ENV_ROOT, root.toString()),
                Map.of(Fixtures.ENV_ROOT, root.toString(), Fixtures.ENV_REQUIRED, "false")}) {
            assertThatThrownBy(() -> Fixtures.locate(env, root, "gkm/nope.tar"))
                    .isInstanceOf(TestAbortedException.class)
                    .hasMessageContaining(root.resolve("gkm/nope.tar").toString())
                    .hasMessageContaining("GKM_FIXTURES")
                    .hasMessageContaining("GKM_FIXTURES_REQUIRED=true");
        }
    }

    @Test
    void defaultRootIsSharedFixturesNextToTheMavenMultiModuleRoot(@TempDir Path tmp) throws Exception {
        Path project = Files.createDirectories(tmp.resolve("main"));
        Files.createDirectories(project.resolve(".mvn"));
        Path module = Files.createDirectories(project.resolve("core/src"));
        Path fixture = Files.createDirectories(tmp.resolve("shared/fixtures/a"));
        Files.writeString(fixture.resolve("b.txt"), "x");

        assertThat(Fixtures.root(Map.of(), module)).isEqualTo(tmp.resolve("shared/fixtures"));
        assertThat(Fixtures.locate(Map.of(), module, "a/b.txt")).isEqualTo(fixture.resolve("b.txt"));
        // an empty variable counts as unset
        assertThat(Fixtures.root(Map.of(Fixtures.ENV_ROOT, " "), module)).isEqualTo(tmp.resolve("shared/fixtures"));
    }

    @Test
    void withoutMvnDirectoryTheNearestSharedFixturesSiblingIsUsed(@TempDir Path tmp) throws Exception {
        Path cwd = Files.createDirectories(tmp.resolve("main/module"));
        Files.createDirectories(tmp.resolve("shared/fixtures"));

        assertThat(Fixtures.root(Map.of(), cwd)).isEqualTo(tmp.resolve("shared/fixtures"));
    }

    @Test
    void relativeVariableIsResolvedAgainstTheWorkingDir(@TempDir Path tmp) throws Exception {
        Path cwd = Files.createDirectories(tmp.resolve("x/y"));

        assertThat(Fixtures.root(Map.of(Fixtures.ENV_ROOT, "../f"), cwd)).isEqualTo(tmp.resolve("x/f"));
    }

    @Test
    void fixturePathMustStayInsideTheRoot(@TempDir Path root) {
        Map<String, String> env = Map.of(Fixtures.ENV_ROOT, root.toString());

        assertThatThrownBy(() -> Fixtures.locate(env, root, "../outside")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fixtures.locate(env, root, "a/../../outside")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fixtures.locate(env, root, "/etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fixtures.locate(env, root, "")).isInstanceOf(IllegalArgumentException.class);
    }
}
