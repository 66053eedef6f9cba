package io.gkm.cli;

import io.gkm.audit.chain.BrokenLink;
import io.gkm.audit.chain.ChainCheck;
import io.gkm.audit.read.LedgerReader;
import io.gkm.audit.stage.AuditLedgerStage;
import io.gkm.core.config.ConfigException;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.metrics.MetricsServer;
import io.gkm.schemas.EventCodec;
import io.gkm.schemas.Topics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "audit", mixinStandardHelpOptions = true,
        header = "Runs the hash-chained audit ledger, or verifies or traces it.",
        description = {"gkm.audit (every stage's decisions, kept 90 days) is appended to",
                "gkm.audit-ledger (one partition, kept for ever) as one SHA-256 hash chain:",
                "'run' is the stage that appends, 'verify' checks the whole chain, 'trace'",
                "prints the decisions of one resource or one correlation chain."},
        subcommands = {AuditCommand.Run.class, AuditCommand.Verify.class, AuditCommand.Trace.class})
final class AuditCommand implements Runnable {
    /** Longest a verify or trace waits for the broker to answer before giving up. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The topic names with the configured prefix; verify and trace need no more than the ledger's name.
     *
     * @throws ConfigException for a prefix no topic name may start with
     */
    static Topics topics(GkmConfig config) {
        try {
            return new Topics(config.get(Settings.TOPIC_PREFIX), Topics.DEFAULT_PARTITIONS, (short) 1);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of(Settings.TOPIC_PREFIX.envVar() + " (" + Settings.TOPIC_PREFIX.flag()
                    + "): " + e.getMessage()));
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            header = "Runs the audit stage: gkm.audit -> gkm.audit-ledger, one hash chain.",
            description = {"Appends every record of gkm.audit, in one Kafka transaction with its consumer",
                    "offsets, to gkm.audit-ledger as the next entry of one SHA-256 hash chain: its",
                    "sequence, the previous entry's hash, its own hash, the record's exact bytes,",
                    "headers and source offset, and its AuditEvent decoded. A record that is not an",
                    "AuditEvent is appended all the same, its bytes kept and marked undecodable.",
                    "One writer for the ledger: every instance uses transactional id",
                    "<prefix>audit.ledger, so a second one fences the first, which stops; run one",
                    "replica. The topics must exist (gkm topics create). SIGTERM or Ctrl-C stops it",
                    "after its current transaction. Exits 2 on bad configuration."})
    static final class Run extends ConfiguredCommand implements Callable<Integer> {
        @CommandLine.Mixin KafkaPropertyOption kafkaProperty;

        @Override
        List<Setting<?>> settings() {
            return Settings.all();
        }

        @Override
        public Integer call() throws InterruptedException {
            GkmConfig config = config();
            topics(config); // a bad prefix exits 2 before the broker is asked
            PrintWriter out = spec.commandLine().getOut();
            KafkaClientFactory kafka = KafkaClientFactory.from(config);
            Topics topics = StageCommands.existingTopics(config, kafka, AuditLedgerStage.STAGE,
                    t -> List.of(t.audit(), t.auditLedger()));
            PrometheusMeterRegistry registry = MetricsServer.newRegistry();
            try (StopSignal stop = StopSignal.install(AuditLedgerStage.STAGE);
                 AuditLedgerStage stage = AuditLedgerStage.of(config, kafka, topics, registry)) {
                stage.start();
                // Ready only once every other writer is fenced and the tail is read.
                while (!stage.awaitAppending(StageCommands.FAILURE_CHECK)) {
                    if (stop.await(Duration.ZERO)) {
                        return 0;
                    }
                }
                StageCommands.throwIfFailed(stage.failure());
                try (MetricsServer metrics = StageCommands.startMetrics(config, registry)) {
                    out.printf("audit     %s -> %s after sequence %d (transactional id %s, group %s)%n",
                            topics.audit(), topics.auditLedger(), stage.committedTail().sequence(),
                            AuditLedgerStage.transactionalId(topics), AuditLedgerStage.groupId(topics));
                    StageCommands.printReady(out, config, topics, metrics);
                    while (!stop.await(StageCommands.FAILURE_CHECK)) {
                        StageCommands.throwIfFailed(stage.failure());
                    }
                    out.println("stopping");
                    out.flush();
                }
            }
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            header = "Checks the audit ledger's whole hash chain, first entry to last.",
            description = {"Reads gkm.audit-ledger from the beginning (read_committed) and recomputes",
                    "every entry's hash, its link to the entry before, its sequence, and that its",
                    "decoded event is what its recorded bytes hold. Prints the entries checked and",
                    "the head hash (keep it elsewhere: whoever may write the topic could still",
                    "rewrite a chain from its start), or the first broken link: its sequence,",
                    "offset and what differs. Exits 0 intact, 1 broken, 2 when it cannot read the",
                    "ledger or the configuration is bad."})
    static final class Verify extends LedgerCommand {
        @Override
        String clientId() {
            return "gkm-audit-verify";
        }

        @Override
        int read(LedgerReader reader, PrintWriter out, PrintWriter err) {
            ChainCheck check = reader.verify(EventCodec.INSTANCE);
            Optional<BrokenLink> broken = check.broken();
            if (broken.isPresent()) {
                out.printf("BROKEN  %s at %s; the %d entries before it are intact%n", reader.topic(), broken.get(),
                        check.checked());
                return 1;
            }
            out.printf("intact  %s: %d entries checked; head: sequence %d, hash %s%n", reader.topic(), check.checked(),
                    check.head().sequence(), check.head().hashHex());
            return 0;
        }
    }

    @Command(name = "trace", mixinStandardHelpOptions = true,
            header = "Prints the recorded decisions of one resource or correlation id, in order.",
            description = {"Reads gkm.audit-ledger from the beginning and prints each entry whose resource",
                    "key or correlation id is the one given, one line each: sequence, time, stage,",
                    "action, outcome, reason. Undecodable audit records are matched by their key or",
                    "CloudEvents subject or correlation id. Exits 0 when it found any, 1 when none,",
                    "2 when it cannot read the ledger or the configuration is bad."})
    static final class Trace extends LedgerCommand {
        @Parameters(index = "0", paramLabel = "KEY_OR_CORRELATION_ID",
                description = "A resource key (<cluster>/<namespace or _cluster>/<Kind>/<name>) or a correlation id.")
        String query;

        @Override
        String clientId() {
            return "gkm-audit-trace";
        }

        @Override
        int read(LedgerReader reader, PrintWriter out, PrintWriter err) {
            LedgerReader.TraceResult trace = reader.trace(EventCodec.INSTANCE, query);
            trace.lines().forEach(out::println);
            if (trace.notEntries() > 0) {
                err.printf("%d records of %s are not ledger entries and were skipped: run gkm audit verify%n",
                        trace.notEntries(), reader.topic());
            }
            if (trace.lines().isEmpty()) {
                err.printf("no decision of %s is recorded in %s%n", query, reader.topic());
                return 1;
            }
            return 0;
        }
    }

    /** A command that reads the whole ledger: exit code 2, with the reason, when it cannot. */
    abstract static class LedgerCommand extends ConfiguredCommand implements Callable<Integer> {
        @CommandLine.Mixin KafkaPropertyOption kafkaProperty;

        @Override
        List<Setting<?>> settings() {
            return List.of(Settings.KAFKA_BOOTSTRAP_SERVERS, Settings.TOPIC_PREFIX, Settings.LOG_LEVEL);
        }

        /** Kafka client id of the reader. */
        abstract String clientId();

        /** Reads the ledger, prints what it found and answers the exit code. */
        abstract int read(LedgerReader reader, PrintWriter out, PrintWriter err);

        @Override
        public Integer call() {
            GkmConfig config = config();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (LedgerReader reader = new LedgerReader(KafkaClientFactory.from(config), topics(config).auditLedger(),
                    clientId(), READ_TIMEOUT)) {
                reader.requireOnePartition();
                return read(reader, out, err);
            } catch (KafkaException | IllegalStateException e) {
                err.println(spec.qualifiedName() + ": cannot read the ledger: " + e.getMessage());
                return 2;
            } finally {
                out.flush();
                err.flush();
            }
        }
    }
}
