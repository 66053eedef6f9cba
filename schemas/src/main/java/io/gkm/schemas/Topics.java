package io.gkm.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Topic names of the pipeline, all starting with a configurable prefix (default {@code gkm.}),
 * and the settings {@code gkm topics} creates them with.
 */
public final class Topics {
    public static final String DEFAULT_PREFIX = "gkm.";
    public static final int DEFAULT_PARTITIONS = 6;
    public static final short DEFAULT_REPLICATION = 1;
    /** Kafka's longest legal topic name. */
    public static final int MAX_NAME_LENGTH = 249;
    /** Longest prefix accepted (leaves room for every fixed topic and a jobs topic's hash). */
    public static final int MAX_PREFIX_LENGTH = 200;
    /** Hex characters of the hash ending a truncated jobs topic name. */
    public static final int HASH_LENGTH = 12;

    public static final long DAY_MS = 24L * 60 * 60 * 1000;
    /** Retention of {@code audit}: 90 days. */
    public static final long AUDIT_RETENTION_MS = 90 * DAY_MS;
    /** Retention of {@code dlq}: 30 days. */
    public static final long DLQ_RETENTION_MS = 30 * DAY_MS;
    /** Retention of each jobs topic: 7 days. */
    public static final long JOBS_RETENTION_MS = 7 * DAY_MS;

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]*");
    private static final Pattern ILLEGAL_CHAR = Pattern.compile("[^a-zA-Z0-9._-]");

    private final String prefix;
    private final int partitions;
    private final short replication;

    /** Default prefix, partitions and replication. */
    public Topics() {
        this(DEFAULT_PREFIX, DEFAULT_PARTITIONS, DEFAULT_REPLICATION);
    }

    /**
     * @param prefix prefix of every topic name: only {@code a-z A-Z 0-9 . _ -}, at most
     *     {@value #MAX_PREFIX_LENGTH} characters (may be empty)
     * @param partitions partition count shared by the resource topics
     * @param replication replication factor of every topic
     */
    public Topics(String prefix, int partitions, short replication) {
        if (prefix == null) {
            throw new IllegalArgumentException("topic prefix must not be null");
        }
        if (!LEGAL.matcher(prefix).matches()) {
            throw new IllegalArgumentException("topic prefix '" + prefix
                    + "' may only contain ASCII letters, digits, '.', '_' and '-'");
        }
        if (prefix.length() > MAX_PREFIX_LENGTH) {
            throw new IllegalArgumentException("topic prefix is " + prefix.length()
                    + " characters long, at most " + MAX_PREFIX_LENGTH + " allowed");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1: " + partitions);
        }
        if (replication < 1) {
            throw new IllegalArgumentException("replication factor must be >= 1: " + replication);
        }
        this.prefix = prefix;
        this.partitions = partitions;
        this.replication = replication;
    }

    public String prefix() {
        return prefix;
    }

    public int partitions() {
        return partitions;
    }

    public short replication() {
        return replication;
    }

    public String admissions() {
        return prefix + "admissions";
    }

    public String resources() {
        return prefix + "resources";
    }

    public String verifications() {
        return prefix + "verifications";
    }

    public String installResults() {
        return prefix + "install-results";
    }

    public String nodes() {
        return prefix + "nodes";
    }

    public String audit() {
        return prefix + "audit";
    }

    public String auditLedger() {
        return prefix + "audit-ledger";
    }

    public String dlq() {
        return prefix + "dlq";
    }

    /**
     * Ingest's own state: per resource key, the last ResourceEvent its watches published (a
     * tombstone once the resource is deleted), so that a restarted ingest finds what was deleted
     * while it was down.
     */
    public String ingestWatchState() {
        return prefix + "ingest.watch-state";
    }

    /**
     * The dispatcher's own state: per resource key, the last VerificationResult that decides what
     * nodes get (VERIFIED, or REJECTED once the image is no longer trusted), or the DELETED
     * ResourceEvent once the cache is gone; and per node ({@code <cluster>/<node>}) the report it last
     * sent jobs for. So a restarted dispatcher still knows which caches a node that reports later
     * must get, which nodes a deleted cache must be removed from, and which reports are only repeats.
     */
    public String dispatcherState() {
        return prefix + "dispatcher.state";
    }

    /**
     * The jobs topic of one node: {@code <prefix>jobs.<cluster>.<node>}, each character Kafka does
     * not allow replaced by {@code _}. A name longer than {@value #MAX_NAME_LENGTH} characters is
     * cut to {@value #MAX_NAME_LENGTH} and ends in {@code -} plus the first {@value #HASH_LENGTH} hex
     * characters of the SHA-256 of the full, unreplaced name {@code <prefix>jobs.<cluster>.<node>}.
     */
    public String jobs(String cluster, String node) {
        if (cluster == null || cluster.isEmpty()) {
            throw new IllegalArgumentException("cluster must not be null or empty");
        }
        if (node == null || node.isEmpty()) {
            throw new IllegalArgumentException("node must not be null or empty");
        }
        String full = jobsPrefix() + cluster + "." + node;
        String name = ILLEGAL_CHAR.matcher(full).replaceAll("_");
        if (name.length() <= MAX_NAME_LENGTH) {
            return name;
        }
        String hash = sha256Hex(full).substring(0, HASH_LENGTH);
        return name.substring(0, MAX_NAME_LENGTH - 1 - HASH_LENGTH) + "-" + hash;
    }

    /** {@code <prefix>jobs.}: every jobs topic starts with it. */
    public String jobsPrefix() {
        return prefix + "jobs.";
    }

    /** Matches every jobs topic name (for subscribing by pattern or listing). */
    public Pattern jobsPattern() {
        return Pattern.compile(Pattern.quote(jobsPrefix()) + "[a-zA-Z0-9._-]+");
    }

    /** Settings of one node's jobs topic: one partition (the node's jobs in order), 7 days retention. */
    public TopicSpec jobsTopic(String cluster, String node) {
        Map<String, String> configs = base();
        configs.put("retention.ms", Long.toString(JOBS_RETENTION_MS));
        return new TopicSpec(jobs(cluster, node), 1, replication, configs);
    }

    /**
     * The fixed topics with their settings: the resource topics (admissions, resources,
     * verifications, install-results) and audit and dlq share the partition count; nodes is
     * compacted; audit keeps 90 days; audit-ledger has one partition (one hash chain) and is kept
     * forever; dlq keeps 30 days; ingest.watch-state and dispatcher.state are compacted and
     * partitioned like the resource topics. Jobs topics are per node: {@link #jobsTopic}.
     */
    public List<TopicSpec> pipelineTopics() {
        Map<String, String> nodes = base();
        nodes.put("cleanup.policy", "compact");
        Map<String, String> audit = base();
        audit.put("retention.ms", Long.toString(AUDIT_RETENTION_MS));
        Map<String, String> ledger = base();
        ledger.put("retention.ms", "-1");
        ledger.put("retention.bytes", "-1");
        Map<String, String> dlq = base();
        dlq.put("retention.ms", Long.toString(DLQ_RETENTION_MS));
        Map<String, String> watchState = base();
        watchState.put("cleanup.policy", "compact");
        Map<String, String> dispatcherState = base();
        dispatcherState.put("cleanup.policy", "compact");
        return List.of(
                new TopicSpec(admissions(), partitions, replication, base()),
                new TopicSpec(resources(), partitions, replication, base()),
                new TopicSpec(verifications(), partitions, replication, base()),
                new TopicSpec(installResults(), partitions, replication, base()),
                new TopicSpec(nodes(), partitions, replication, nodes),
                new TopicSpec(audit(), partitions, replication, audit),
                new TopicSpec(auditLedger(), 1, replication, ledger),
                new TopicSpec(dlq(), partitions, replication, dlq),
                new TopicSpec(ingestWatchState(), partitions, replication, watchState),
                new TopicSpec(dispatcherState(), partitions, replication, dispatcherState));
    }

    /** With three or more replicas a write must reach two of them. */
    private Map<String, String> base() {
        Map<String, String> m = new HashMap<>();
        if (replication >= 3) {
            m.put("min.insync.replicas", "2");
        }
        return m;
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "Topics[prefix=" + prefix + ", partitions=" + partitions + ", replication=" + replication + "]";
    }
}
