package io.gkm.ingest;

import io.gkm.core.config.ConfigException;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.config.SettingType;
import io.gkm.ingest.admission.InlineVerify;
import io.gkm.ingest.admission.KyvernoVerification;
import io.gkm.ingest.watch.KubernetesAccess;
import io.gkm.ingest.watch.LeaderElectedWatches;
import io.gkm.verifier.policy.ClusterPolicy;
import io.gkm.verifier.policy.PolicyLoadException;
import io.gkm.verifier.policy.PolicyLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of {@code gkm ingest} (webhook and watches), declared once like core's
 * {@link io.gkm.core.config.Settings}: each is an env var {@code GKM_<NAME>}, a flag and a README row.
 */
public final class IngestSettings {
    private IngestSettings() {
    }

    /** Where the Lease is when neither configured nor in a pod. */
    static final String DEFAULT_LEASE_NAMESPACE = "default";
    /** Fabric8's LeaderElector.JITTER_FACTOR: a try waits up to this much longer than the retry period. */
    private static final double ELECTOR_JITTER = 1.2;

    public static final Setting<String> WEBHOOK_HOST = new Setting<>("webhook.host", SettingType.STRING, "127.0.0.1",
            "Address the admission webhook binds to (0.0.0.0 in a pod, so the API server can reach it).");

    public static final Setting<Integer> WEBHOOK_PORT = new Setting<>("webhook.port", SettingType.PORT, "8443",
            "HTTPS port of the admission webhook (GKM's four webhook paths, /healthz, /readyz, /metrics); 0 picks a free one.");

    public static final Setting<Path> WEBHOOK_TLS_CERT = new Setting<>("webhook.tls.cert", SettingType.PATH, null,
            "PEM certificate chain of the webhook (e.g. tls.crt of a mounted Secret); re-read when it changes.");

    public static final Setting<Path> WEBHOOK_TLS_KEY = new Setting<>("webhook.tls.key", SettingType.PATH, null,
            "PEM private key of the webhook (e.g. tls.key of a mounted Secret); re-read when it changes.");

    public static final Setting<Duration> WEBHOOK_TLS_RELOAD_INTERVAL = new Setting<>("webhook.tls.reload.interval",
            SettingType.DURATION, "10s", "How often the webhook checks its certificate and key files for a new pair.");

    public static final Setting<Duration> WEBHOOK_BODY_TIMEOUT = new Setting<>("webhook.body.timeout",
            SettingType.DURATION, "5s", "Time a client has to send a whole AdmissionReview; a slower one gets 408 "
            + "and its connection is closed.");

    /** Never rejects a value: GKM reads anything it does not understand as enabled (with a warning). */
    public static final SettingType<KyvernoVerification> KYVERNO_SWITCH = new SettingType<>() {
        public KyvernoVerification parse(String text) {
            return KyvernoVerification.parse(text);
        }

        public String render(KyvernoVerification value) {
            return Boolean.toString(value.enabled());
        }

        public String typeName() {
            return "boolean (unknown = true)";
        }
    };

    public static final Setting<KyvernoVerification> KYVERNO_VERIFICATION_ENABLED = new Setting<>(
            "kyverno.verification.enabled", KYVERNO_SWITCH, null,
            "Whether admission relies on Kyverno's image verification (GKM's " + KyvernoVerification.GKM_ENV_VAR
                    + ", which is read when this is unset). Unset or empty: true; true/1/yes, false/0/no in any case; "
                    + "any other value: true, with a warning. When false, tags are resolved in the registry instead.");

    public static final Setting<Duration> AUDIT_TIMEOUT = new Setting<>("audit.timeout", SettingType.DURATION, "2s",
            "Longest the webhook waits for Kafka to acknowledge a decision's AdmissionEvent and AuditEvent before answering.");

    public static final Setting<Boolean> AUDIT_REQUIRED = new Setting<>("audit.required", SettingType.BOOLEAN, "false",
            "Deny an admission whose decision could not be recorded within GKM_AUDIT_TIMEOUT (else it is answered, "
                    + "counted and logged with its uid).");

    public static final Setting<InlineVerify> INLINE_VERIFY = new Setting<>("inline.verify",
            SettingType.oneOf(InlineVerify.class), "cluster",
            "Which kinds the webhook verifies itself with GKM_POLICIES while Kyverno verification is enabled, pinning "
                    + "the verified digest in spec.image as Kyverno's mutateDigest does: cluster (ClusterGKMCache, which "
                    + "Kyverno never verifies), all (GKMCache too, without reading Kyverno's annotation), off "
                    + "(GKM's behaviour: ClusterGKMCache denied).");

    public static final Setting<List<String>> POLICIES = new Setting<>("policies", SettingType.LIST, null,
            "Kyverno ClusterPolicy YAML that gkm verifier and the webhook (GKM_INLINE_VERIFY) verify with, "
                    + "comma-separated: files, folders (their *.yaml) or kustomizations of local files, e.g. "
                    + "/etc/gkm/policies, where deploy mounts them rendered (ConfigMap gkm-policies). gkm verifier needs "
                    + "it, and gkm dev runs the verifier stage only with it; gkm ingest needs it while inline "
                    + "verification is on; without it every resource verified inline is denied.");

    public static final Setting<Duration> INLINE_VERIFY_TIMEOUT = new Setting<>("inline.verify.timeout",
            SettingType.DURATION, "10s", "Longest the webhook waits for one inline verification (registry and "
            + "signatures); no verdict by then is a denial that says so. Keep it under the webhook's 30 s timeout, "
            + "less GKM_AUDIT_TIMEOUT.");

    public static final Setting<List<String>> WATCH_NAMESPACES = new Setting<>("watch.namespaces", SettingType.LIST, null,
            "Namespaces whose GKMCaches are watched, comma-separated; unset: all namespaces. ClusterGKMCaches are always watched.");

    public static final Setting<Boolean> LEADER_ELECTION = new Setting<>("leader.election", SettingType.BOOLEAN, "true",
            "Run the watches only while this ingest holds the Lease GKM_LEADER_LEASE_NAME (coordination.k8s.io/v1), so "
                    + "that of several replicas one publishes watch events; the webhook runs in every replica. false: "
                    + "this ingest watches without asking, so it must be the only one of its cluster.");

    public static final Setting<String> LEADER_LEASE_NAME = new Setting<>("leader.lease.name", SettingType.DNS_LABEL,
            "gkm-ingest-watch", "Name of the Lease whose holder runs the watches.");

    public static final Setting<String> LEADER_LEASE_NAMESPACE = new Setting<>("leader.lease.namespace",
            SettingType.DNS_LABEL, null, "Namespace of the Lease; unset: the pod's own (its service account's "
            + KubernetesAccess.POD_NAMESPACE_FILE + "), else " + DEFAULT_LEASE_NAMESPACE + ".");

    public static final Setting<Duration> LEADER_LEASE_DURATION = new Setting<>("leader.lease.duration",
            SettingType.DURATION, "15s", "How long the Lease stays taken after its holder last renewed it; then another "
            + "ingest may take it. Longer than GKM_LEADER_RENEW_DEADLINE.");

    public static final Setting<Duration> LEADER_RENEW_DEADLINE = new Setting<>("leader.renew.deadline",
            SettingType.DURATION, "10s", "How long the leader keeps trying to renew the Lease before it stops its "
            + "watches, before anyone else may take over. Longer than 2.2 x GKM_LEADER_RETRY_PERIOD.");

    public static final Setting<Duration> LEADER_RETRY_PERIOD = new Setting<>("leader.retry.period",
            SettingType.DURATION, "2s", "How often an ingest tries to take the Lease, and the leader to renew it.");

    /** Every ingest setting, in the order of the README table. */
    public static List<Setting<?>> all() {
        return List.of(WEBHOOK_HOST, WEBHOOK_PORT, WEBHOOK_TLS_CERT, WEBHOOK_TLS_KEY, WEBHOOK_TLS_RELOAD_INTERVAL,
                WEBHOOK_BODY_TIMEOUT, KYVERNO_VERIFICATION_ENABLED, INLINE_VERIFY, POLICIES, INLINE_VERIFY_TIMEOUT,
                AUDIT_TIMEOUT, AUDIT_REQUIRED, WATCH_NAMESPACES, LEADER_ELECTION, LEADER_LEASE_NAME,
                LEADER_LEASE_NAMESPACE, LEADER_LEASE_DURATION, LEADER_RENEW_DEADLINE, LEADER_RETRY_PERIOD);
    }

    /**
     * The Lease election of the watches as configured, for the ingest {@code identity}; its namespace
     * {@link #LEADER_LEASE_NAMESPACE}, else {@code podNamespace}, else {@value #DEFAULT_LEASE_NAMESPACE}.
     *
     * @throws ConfigException when the timings do not let a leader stop before another takes over
     */
    public static LeaderElectedWatches.Election election(GkmConfig config, String identity, Optional<String> podNamespace) {
        leaderTimingProblem(config).ifPresent(problem -> {
            throw new ConfigException(List.of(problem));
        });
        String namespace = config.find(LEADER_LEASE_NAMESPACE).or(() -> podNamespace).orElse(DEFAULT_LEASE_NAMESPACE);
        return new LeaderElectedWatches.Election(config.get(LEADER_LEASE_NAME), namespace, identity,
                config.get(LEADER_LEASE_DURATION), config.get(LEADER_RENEW_DEADLINE), config.get(LEADER_RETRY_PERIOD));
    }

    /**
     * What is wrong with the election's timings, if leader election is on: fabric8's elector needs
     * lease duration > renew deadline > retry period + 1.2 x retry period (its jitter), so that a
     * leader that cannot renew stops before the Lease expires for the others.
     */
    public static Optional<String> leaderTimingProblem(GkmConfig config) {
        if (!config.get(LEADER_ELECTION)) {
            return Optional.empty();
        }
        Duration lease = config.get(LEADER_LEASE_DURATION);
        Duration renew = config.get(LEADER_RENEW_DEADLINE);
        Duration retry = config.get(LEADER_RETRY_PERIOD);
        if (lease.compareTo(renew) <= 0) {
            return Optional.of(LEADER_LEASE_DURATION.envVar() + " (" + lease.toMillis() + " ms) must be longer than "
                    + LEADER_RENEW_DEADLINE.envVar() + " (" + renew.toMillis() + " ms), or a leader that cannot renew "
                    + "would still watch when another takes over");
        }
        long longestRetry = retry.toMillis() + (long) Math.ceil(retry.toMillis() * ELECTOR_JITTER);
        if (renew.toMillis() <= longestRetry) {
            return Optional.of(LEADER_RENEW_DEADLINE.envVar() + " (" + renew.toMillis() + " ms) must be longer than "
                    + "2.2 x " + LEADER_RETRY_PERIOD.envVar() + " (" + longestRetry + " ms), the longest wait between "
                    + "two tries, or the leader gives up the Lease between renewals");
        }
        return Optional.empty();
    }

    /**
     * The Kyverno policies of {@link #POLICIES} (set), as both the webhook's inline verification and
     * the verifier stage read them.
     *
     * @throws PolicyLoadException naming the file and field that cannot be loaded
     */
    public static List<ClusterPolicy> loadPolicies(GkmConfig config) throws PolicyLoadException {
        return PolicyLoader.load(config.get(POLICIES).stream().map(Path::of).toList());
    }

    /**
     * Why inline verification cannot verify anything as configured: it is on, Kyverno verification
     * is enabled, and {@link #POLICIES} is not set. {@code gkm ingest} refuses to start then; elsewhere
     * every resource verified inline is denied (no policy selects it).
     */
    public static Optional<String> missingPolicies(GkmConfig config, KyvernoVerification verification) {
        InlineVerify inline = config.get(INLINE_VERIFY);
        if (!inline.on() || !verification.enabled() || config.find(POLICIES).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(POLICIES.envVar() + " (" + POLICIES.flag() + "): not set; " + INLINE_VERIFY.envVar() + "="
                + INLINE_VERIFY.type().render(inline) + " has the webhook verify "
                + (inline == InlineVerify.ALL ? "GKMCaches and ClusterGKMCaches" : "ClusterGKMCaches")
                + " with these Kyverno policies: give a file or folder of ClusterPolicy YAML (e.g. /etc/gkm/policies in deploy), or set "
                + INLINE_VERIFY.envVar() + "=off to deny every ClusterGKMCache as GKM does");
    }

    /**
     * The Kyverno switch: {@code GKM_KYVERNO_VERIFICATION_ENABLED} when set and not empty, else GKM's
     * own {@code KYVERNO_VERIFICATION_ENABLED} from the environment.
     */
    public static KyvernoVerification kyvernoVerification(GkmConfig config, Map<String, String> env) {
        return config.find(KYVERNO_VERIFICATION_ENABLED)
                .orElseGet(() -> KyvernoVerification.parse(env.get(KyvernoVerification.GKM_ENV_VAR)));
    }
}
