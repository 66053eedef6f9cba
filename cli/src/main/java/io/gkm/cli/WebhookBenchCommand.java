package io.gkm.cli;

import io.gkm.cli.bench.WebhookBench;
import io.gkm.cli.dev.DevTls;
import io.gkm.cli.dev.EmbeddedKafka;
import io.gkm.core.config.ConfigException;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.config.SettingType;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.kafka.TopicAdmin;
import io.gkm.core.metrics.MetricsServer;
import io.gkm.ingest.Ingest;
import io.gkm.ingest.IngestSettings;
import io.gkm.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "webhook", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Measures the webhook's throughput and latency against a bare HTTPS endpoint.",
        description = {"Drives the validate path of the real admission webhook (HTTPS on loopback, every decision",
                "recorded on Kafka: an embedded broker, or --bootstrap) and a bare Vert.x HTTPS endpoint answering a",
                "constant AdmissionReview, one after the other, from one Vert.x client: first at a fixed concurrency",
                "(requests/s, p50, p99 and the ratio), then at a fixed rate (p50, p99). Targets: webhook >= "
                        + "0.8 x the bare", "endpoint's throughput; webhook p99 <= 5 ms at the fixed rate.",
                "Topics get the prefix gkm-bench. unless --topic-prefix says otherwise."})
final class WebhookBenchCommand extends ConfiguredCommand implements Callable<Integer> {
    @CommandLine.Mixin
    KafkaPropertyOption kafkaProperty;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "32",
            description = "Requests in flight in the closed-loop phases (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "20s", converter = DurationConverter.class,
            description = "Measured time of each phase (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "90s", converter = DurationConverter.class,
            description = {"Most unmeasured load before each phase; warming up stops earlier once the JIT compiler",
                    "is quiet (default: ${DEFAULT-VALUE})."})
    Duration warmup;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "500",
            description = "Requests a second in the fixed-rate phases (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = {"--bootstrap", "--kafka-bootstrap-servers"}, paramLabel = "HOST:PORT",
            description = "Record on this Kafka instead of an embedded single-node broker.")
    String bootstrap;

    /** Parses durations as every GKM_* setting does (500ms, 20s, 5m). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            try {
                return SettingType.DURATION.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected " + e.getMessage() + ", got '" + text + "'");
            }
        }
    }

    @Override
    List<Setting<?>> settings() {
        return IngestCommand.SETTINGS;
    }

    @Override
    public Integer call() throws Exception {
        if (concurrency < 1 || rate < 1 || duration.isZero() || duration.isNegative() || warmup.isNegative()) {
            throw new ConfigException(List.of("--concurrency and --rate must be at least 1, --duration positive, "
                    + "--warmup not negative; got " + concurrency + ", " + rate + ", " + duration + ", " + warmup));
        }
        PrintWriter out = spec.commandLine().getOut();
        WebhookBench.Load load = new WebhookBench.Load(concurrency, warmup, duration, rate);
        Path work = Files.createTempDirectory("gkm-bench-");
        try {
            return bench(work, load, out);
        } finally {
            deleteRecursively(work);
        }
    }

    private int bench(Path work, WebhookBench.Load load, PrintWriter out) throws Exception {
        try (EmbeddedKafka embedded = bootstrap == null ? EmbeddedKafka.start(work.resolve("kafka"), freePort(),
                Duration.ofSeconds(60)) : null) {
            String kafka = embedded == null ? bootstrap : embedded.bootstrapServers();
            GkmConfig config = benchConfig(kafka);
            KafkaClientFactory clients = KafkaClientFactory.from(config);
            Topics topics;
            try (Admin admin = clients.admin("gkm-bench")) {
                TopicAdmin topicAdmin = new TopicAdmin(admin);
                topics = TopicsCommand.pipelineTopics(config, topicAdmin);
                topicAdmin.create(topics.pipelineTopics());
            }
            DevTls.Pair tls = DevTls.inDirectory(work.resolve("tls"), Clock.systemUTC());
            PrometheusMeterRegistry registry = MetricsServer.newRegistry();
            Ingest.Wiring wiring = new Ingest.Wiring(config, IngestSettings.kyvernoVerification(config, env),
                    new Ingest.TlsFiles(tls.cert(), tls.key()), clients, topics, registry);
            try (Ingest ingest = Ingest.start(wiring, Optional.empty());
                 WebhookBench bench = WebhookBench.start(tls.cert(), tls.key(), load, out)) {
                out.printf("gkm bench webhook: %d cores, Kafka %s (%s, acks=all), topics '%s*', Kyverno verification %s%n",
                        Runtime.getRuntime().availableProcessors(), kafka, embedded == null ? "given" : "embedded",
                        topics.prefix(), wiring.verification().enabled() ? "on" : "off");
                out.println("client: Vert.x HttpClient on one event loop, requests issued from its context");
                out.flush();
                WebhookBench.Results results = bench.run(ingest.webhookPort(), load);
                out.print(WebhookBench.report(results, load));
                out.printf("kafka: %.0f decisions answered by the webhook, %.0f of them not recorded within GKM_AUDIT_TIMEOUT%n",
                        total(registry, "gkm.ingest.admissions"), total(registry, "gkm.ingest.admissions.unrecorded"));
                out.flush();
            }
        }
        return 0;
    }

    /** The webhook as configured (flags, env), on a free loopback port, on {@code kafka}, with bench topics. */
    private GkmConfig benchConfig(String kafka) {
        Map<String, String> flags = new HashMap<>();
        flags.put(IngestSettings.WEBHOOK_HOST.name(), "127.0.0.1");
        flags.put(IngestSettings.WEBHOOK_PORT.name(), "0");
        flags.put(Settings.TOPIC_PREFIX.name(), "gkm-bench.");
        flags.putAll(givenFlags());
        flags.put(Settings.KAFKA_BOOTSTRAP_SERVERS.name(), kafka);
        return GkmConfig.load(settings(), env, flags, kafkaProperties(), KafkaClientFactory.clientPropertyNames());
    }

    private static double total(PrometheusMeterRegistry registry, String counter) {
        return registry.find(counter).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
