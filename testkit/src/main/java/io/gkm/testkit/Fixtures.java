package io.gkm.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.AssertionFailedError;

/**
 * Locates outside test data (the shared fixtures directory, read-only; never copied into the
 * project).
 *
 * <p>Root: env {@value #ENV_ROOT} (Maven's surefire/failsafe config sets it to
 * {@code ${maven.multiModuleProjectDirectory}/../shared/fixtures}); without it,
 * {@code ../shared/fixtures} relative to the Maven multi-module root, i.e. the nearest of the
 * working dir and its parents that has a {@code .mvn} directory (else the nearest that has a
 * {@code ../shared/fixtures} directory, else the working dir).
 *
 * <p>A missing fixture skips the test (JUnit abort), unless env {@value #ENV_REQUIRED} is
 * {@code true}: then it fails.
 */
public final class Fixtures {

    public static final String ENV_ROOT = "GKM_FIXTURES";
    public static final String ENV_REQUIRED = "GKM_FIXTURES_REQUIRED";

    private Fixtures() {}

    /**
     * The existing fixture at {@code relative} (e.g. {@code gkm/mcv/example/vector-add-cache-rocm.tar})
     * under the fixtures root. Missing: the test is skipped, or fails if {@value #ENV_REQUIRED}=true.
     */
    public static Path path(String relative) {
        return locate(System.getenv(), workingDir(), relative);
    }

    /** The fixtures root this JVM uses (may not exist). */
    public static Path root() {
        return root(System.getenv(), workingDir());
    }

    private static Path workingDir() {
        return Path.of("").toAbsolutePath();
    }

    /** Pure decision: present → path; missing → fail if required, else abort (skip). */
    static Path locate(Map<String, String> env, Path workingDir, String relative) {
        Path rel = checkRelative(relative);
        Path root = root(env, workingDir);
        Path candidate = root.resolve(rel).normalize();
        if (Files.exists(candidate)) {
            return candidate;
        }
        boolean required = Boolean.parseBoolean(trimToNull(env.get(ENV_REQUIRED)));
        String rootSource = trimToNull(env.get(ENV_ROOT)) != null
                ? "from " + ENV_ROOT + "=" + env.get(ENV_ROOT)
                : ENV_ROOT + " unset, default ../shared/fixtures next to the Maven multi-module root";
        String message = "Fixture missing: " + candidate + " (root " + root + ", " + rootSource + "). "
                + "Provide the shared fixtures directory by setting " + ENV_ROOT + "=<dir holding "
                + rel + ">; Maven sets it to ${maven.multiModuleProjectDirectory}/../shared/fixtures. "
                + (required
                        ? ENV_REQUIRED + "=true, so a missing fixture fails the test."
                        : "Skipped; set " + ENV_REQUIRED + "=true to fail instead.");
        if (required) {
            throw new AssertionFailedError(message);
        }
        return Assumptions.abort(message);
    }

    static Path root(Map<String, String> env, Path workingDir) {
        String configured = trimToNull(env.get(ENV_ROOT));
        if (configured != null) {
            return workingDir.resolve(configured).toAbsolutePath().normalize();
        }
        Path start = workingDir.toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(".mvn"))) {
                return dir.resolve("../shared/fixtures").normalize();
            }
        }
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path sibling = dir.resolve("../shared/fixtures").normalize();
            if (Files.isDirectory(sibling)) {
                return sibling;
            }
        }
        return start.resolve("../shared/fixtures").normalize();
    }

    private static Path checkRelative(String relative) {
        if (relative == null || relative.isBlank()) {
            throw new IllegalArgumentException("fixture path is empty");
        }
        Path rel = Path.of(relative).normalize();
        if (rel.isAbsolute() || rel.startsWith("..")) {
            throw new IllegalArgumentException("fixture path must be relative to the fixtures root and stay inside it: "
                    + relative);
        }
        return rel;
    }

    private static String trimToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
