package io.gkm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The built jar run as a user would ({@code java -jar gkm.jar ...}), its output collected. */
final class GkmProcess {
    private final Process process;
    private final List<String> startup;
    private final StringBuffer rest = new StringBuffer();
    private final Thread drain;

    private GkmProcess(Process process, List<String> startup, BufferedReader out) {
        this.process = process;
        this.startup = startup;
        this.drain = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    rest.append(line).append('\n');
                }
            } catch (IOException closed) {
                // the process ended
            }
        });
        drain.setDaemon(true);
        drain.start();
    }

    /**
     * Starts {@code gkm <args>} with {@code env} added to this environment and waits (up to 90 s)
     * for a line starting with {@code ready}.
     */
    static GkmProcess start(List<String> args, Map<String, String> env, String ready) throws IOException {
        Path jar = Path.of("target", "gkm.jar");
        assertThat(jar).as("the shaded jar is built in the package phase").exists();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String line;
        while ((line = out.readLine()) != null) {
            lines.add(line);
            if (line.startsWith(ready)) {
                return new GkmProcess(p, lines, out);
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        p.destroyForcibly();
        throw new AssertionError("gkm " + String.join(" ", args) + " did not get ready; it printed:\n"
                + String.join("\n", lines));
    }

    /** What it printed up to and including the ready line. */
    List<String> startup() {
        return startup;
    }

    /**
     * SIGTERM, as Ctrl-C or kubelet would send, then waits; true if it exited in time. Through the
     * process handle: {@code Process.destroy()} would also close our end of its output, losing
     * what it prints while it stops.
     */
    boolean stop(Duration timeout) throws InterruptedException {
        process.toHandle().destroy();
        boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (exited) {
            drain.join(5_000);
        } else {
            process.destroyForcibly();
        }
        return exited;
    }

    int exitValue() {
        return process.exitValue();
    }

    /** What it printed after the ready line (all of it once it has exited). */
    String rest() {
        return rest.toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
