package io.gkm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the built jar as a user would (`java -jar gkm.jar dev`), stops it with SIGTERM. */
class GkmDevIT {
    @TempDir
    Path dataDir;

    @Test
    void devComesUpWithTheTopicsStopsCleanlyOnSigtermAndKeepsItsDataAcrossRestarts() throws Exception {
        int kafkaPort = freePort();
        int metricsPort = freePort();
        List<String> first = new ArrayList<>();
        Process dev = startDev(kafkaPort, metricsPort, first);
        try {
            assertThat(first).anyMatch(l -> l.startsWith("kafka     127.0.0.1:" + kafkaPort));
            assertThat(first).anyMatch(l -> l.contains("8 created now"));
            assertThat(first).anyMatch(l -> l.contains("none running: ingest, verifier"));
            double seconds = first.stream().filter(l -> l.startsWith("ready in ")).findFirst()
                    .map(l -> Double.parseDouble(l.substring(9, l.indexOf(" s")))).orElseThrow();
            System.out.printf("GkmDevIT: gkm dev ready in %.1f s%n", seconds);

            String described = topicsDescribe(kafkaPort);
            assertThat(described).contains("gkm.admissions ", "gkm.nodes ", "gkm.audit-ledger ", "gkm.dlq ")
                    .doesNotContain("missing:");

            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
        } finally {
            dev.destroy(); // SIGTERM, as Ctrl-C or kubelet would
        }
        assertThat(dev.waitFor(60, TimeUnit.SECONDS)).as("gkm dev stops on SIGTERM").isTrue();
        assertThat(dev.exitValue()).isIn(0, 143);
        assertThat(dataDir.resolve("kafka/meta.properties")).exists();

        List<String> second = new ArrayList<>();
        Process again = startDev(kafkaPort, metricsPort, second);
        try {
            assertThat(second).anyMatch(l -> l.contains("(0 created now)"));
        } finally {
            again.destroy();
            assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    private Process startDev(int kafkaPort, int metricsPort, List<String> lines) throws IOException {
        Path jar = Path.of("target", "gkm.jar");
        assertThat(jar).as("the shaded jar is built in the package phase").exists();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "dev").redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("GKM_DEV_KAFKA_PORT", String.valueOf(kafkaPort));
        env.put("GKM_DEV_DATA_DIR", dataDir.toString());
        env.put("GKM_METRICS_PORT", String.valueOf(metricsPort));
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String line;
        while ((line = out.readLine()) != null) {
            lines.add(line);
            if (line.startsWith("ready in ")) {
                drain(out);
                return p;
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        p.destroyForcibly();
        throw new AssertionError("gkm dev did not get ready; it printed:\n" + String.join("\n", lines));
    }

    /** Keeps reading the child's output so it never blocks on a full pipe. */
    private static void drain(BufferedReader out) {
        Thread t = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discarded
                }
            } catch (IOException closed) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static String topicsDescribe(int kafkaPort) {
        CommandLine cl = Gkm.commandLine(Map.of());
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("topics", "describe", "--bootstrap", "127.0.0.1:" + kafkaPort)).isZero();
        return out.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

}
