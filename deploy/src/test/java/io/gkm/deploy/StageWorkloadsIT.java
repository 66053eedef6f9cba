package io.gkm.deploy;

import static io.gkm.deploy.RenderedOverlaysIT.bindsServiceAccount;
import static io.gkm.deploy.RenderedOverlaysIT.load;
import static io.gkm.deploy.RenderedOverlaysIT.resolvedEnv;
import static io.gkm.deploy.RenderedOverlaysIT.rulesOf;
import static io.gkm.deploy.RenderedOverlaysIT.triples;
import static io.gkm.deploy.RenderedOverlaysIT.volumeAt;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.gkm.cli.Gkm;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Settings;
import io.gkm.deploy.Manifests.Workload;
import io.gkm.deploy.RenderedOverlaysIT.Overlay;
import io.gkm.dispatcher.status.DispatcherPermissions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import picocli.CommandLine;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Kafka stages as deployed (verifier, dispatcher, audit, node-consumer), held to what their
 * code does: the command each runs, the metrics endpoint as their only open port and probe target,
 * no Kubernetes API access where the code makes no call, a grace period that outlasts a
 * transaction; the node-consumer on AMD GPU nodes only, with the host folders and the node name it
 * needs and no capability; the audit ledger with a single writer.
 */
class StageWorkloadsIT {
    /** Each stage's workload and the arguments of the gkm image it runs. */
    enum Stage {
        VERIFIER("gkm-verifier", List.of("verifier")),
        DISPATCHER("gkm-dispatcher", List.of("dispatcher")),
        AUDIT("gkm-audit", List.of("audit", "run")),
        NODE_CONSUMER("gkm-node-consumer", List.of("node-consumer"));

        final String workload;
        final List<String> args;

        Stage(String workload, List<String> args) {
            this.workload = workload;
            this.args = args;
        }
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void eachStageRunsItsCommandAndOutlastsATransactionAfterSigterm(Overlay overlay) {
        List<HasMetadata> objects = overlay.objects();
        for (Stage stage : Stage.values()) {
            Workload w = Manifests.workload(objects, stage.workload);
            GkmConfig config = load(resolvedEnv(objects, w));

            assertThat(w.container().getArgs()).as(stage.workload).isEqualTo(stage.args);
            assertThat(w.pod().getTerminationGracePeriodSeconds())
                    .as(stage.workload + ": time to finish a transaction after SIGTERM")
                    .isGreaterThan(config.get(Settings.STAGE_TRANSACTION_TIMEOUT).toSeconds());
        }
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void everyComponentsArgumentsAreACommandOfTheGkmImage(Overlay overlay) {
        List<HasMetadata> objects = overlay.objects();
        for (String component : RenderedOverlaysIT.COMPONENTS) {
            List<String> args = Manifests.workload(objects, component).container().getArgs();

            CommandLine.ParseResult parsed = new CommandLine(new Gkm()).parseArgs(args.toArray(String[]::new));

            CommandLine.ParseResult command = parsed;
            while (command.hasSubcommand()) {
                command = command.subcommand();
            }
            assertThat(command.commandSpec().name()).as(component).isEqualTo(args.get(args.size() - 1));
        }
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void eachStagesProbesAndOnlyOpenPortAreTheMetricsEndpointItServes(Overlay overlay) {
        List<HasMetadata> objects = overlay.objects();
        NetworkPolicy policy = Manifests.named(Manifests.ofType(objects, NetworkPolicy.class), "gkm-stages");

        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> assertThat(rule.getPorts())
                .extracting(p -> p.getPort().getStrVal()).containsExactly("metrics"));
        for (Stage stage : Stage.values()) {
            Workload w = Manifests.workload(objects, stage.workload);
            GkmConfig config = load(resolvedEnv(objects, w));
            Container c = w.container();

            assertThat(config.get(Settings.METRICS_HOST)).as(stage.workload).isEqualTo("0.0.0.0");
            assertThat(c.getPorts()).as(stage.workload).singleElement().satisfies(p -> {
                assertThat(p.getName()).isEqualTo("metrics");
                assertThat(p.getContainerPort()).isEqualTo(config.get(Settings.METRICS_PORT));
            });
            assertThat(List.of(c.getStartupProbe(), c.getLivenessProbe(), c.getReadinessProbe())).as(stage.workload)
                    .allSatisfy(p -> {
                        assertThat(p.getHttpGet().getPath()).isEqualTo("/metrics");
                        assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
                    });
            assertThat(selects(policy, w.template().getMetadata().getLabels())).as(stage.workload + " selected").isTrue();
        }
        assertThat(selects(policy, Manifests.workload(objects, "gkm-ingest").template().getMetadata().getLabels()))
                .as("ingest has its own policy for the webhook port").isFalse();
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void stagesThatMakeNoApiCallHaveNoTokenAndNoBinding(Overlay overlay) {
        List<HasMetadata> objects = overlay.objects();
        for (Stage stage : List.of(Stage.VERIFIER, Stage.AUDIT, Stage.NODE_CONSUMER)) {
            PodSpec pod = Manifests.workload(objects, stage.workload).pod();
            String account = pod.getServiceAccountName();

            assertThat(account).isEqualTo(stage.workload);
            assertThat(pod.getAutomountServiceAccountToken()).as(stage.workload).isFalse();
            assertThat(Manifests.ofType(objects, RoleBinding.class)).as(stage.workload)
                    .noneMatch(b -> bindsServiceAccount(b.getSubjects(), account));
            assertThat(Manifests.ofType(objects, ClusterRoleBinding.class)).as(stage.workload)
                    .noneMatch(b -> bindsServiceAccount(b.getSubjects(), account));
        }
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void theDispatchersAccountMayDoExactlyWhatItsStatusProjectionCalls(Overlay overlay) {
        List<HasMetadata> objects = overlay.objects();
        PodSpec pod = Manifests.workload(objects, Stage.DISPATCHER.workload).pod();
        String account = pod.getServiceAccountName();
        Set<String> clusterWide = new TreeSet<>();
        for (ClusterRoleBinding b : Manifests.ofType(objects, ClusterRoleBinding.class)) {
            if (bindsServiceAccount(b.getSubjects(), account)) {
                clusterWide.addAll(triples(rulesOf(objects, b.getRoleRef())));
            }
        }

        assertThat(account).isEqualTo("gkm-dispatcher");
        assertThat(pod.getAutomountServiceAccountToken()).isNotEqualTo(Boolean.FALSE);
        assertThat(clusterWide).isEqualTo(IngestApiCallsIT.triples(DispatcherPermissions.DISPATCHER));
        assertThat(Manifests.ofType(objects, RoleBinding.class)).noneMatch(b -> bindsServiceAccount(b.getSubjects(), account));
    }

    // --- node-consumer ------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void theNodeConsumerRunsOnAmdGpuNodesOnlyToleratingGpuTaints(Overlay overlay) {
        DaemonSet ds = Manifests.named(Manifests.ofType(overlay.objects(), DaemonSet.class), "gkm-node-consumer");
        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        List<NodeSelectorTerm> terms = pod.getAffinity().getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();

        // Terms are ORed: every one must require an AMD GPU label, and NFD's PCI vendor label is one.
        assertThat(terms).isNotEmpty().allSatisfy(t -> assertThat(t.getMatchExpressions()).singleElement()
                .satisfies(e -> assertThat(e.getKey()).isIn("feature.node.kubernetes.io/pci-1002.present",
                        "feature.node.kubernetes.io/amd-gpu")));
        assertThat(terms).anySatisfy(t -> {
            NodeSelectorRequirement e = t.getMatchExpressions().get(0);
            assertThat(e.getKey()).isEqualTo("feature.node.kubernetes.io/pci-1002.present");
            assertThat(e.getOperator()).isEqualTo("In");
            assertThat(e.getValues()).containsExactly("true");
        });
        assertThat(pod.getNodeSelector()).isNullOrEmpty();
        assertThat(pod.getTolerations()).anySatisfy(t -> {
            assertThat(t.getKey()).isEqualTo("gpu");
            assertThat(t.getValue()).isEqualTo("true");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        }).anySatisfy(t -> {
            assertThat(t.getKey()).isEqualTo("amd.com/gpu");
            assertThat(t.getOperator()).isEqualTo("Exists");
        });
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void theNodeConsumerWritesOnlyGkmsHostFolderReadsSysAndKnowsItsNode(Overlay overlay) {
        List<HasMetadata> objects = overlay.objects();
        Workload w = Manifests.workload(objects, "gkm-node-consumer");
        Map<String, String> env = resolvedEnv(objects, w);
        Path cacheDir = Path.of(env.get("GKM_CACHE_DIR"));
        Path sysfsRoot = Path.of(env.get("GKM_SYSFS_ROOT"));
        List<Volume> hostPaths = w.pod().getVolumes().stream().filter(v -> v.getHostPath() != null).toList();
        VolumeMount gkm = mountOf(w, "/var/lib/gkm").orElseThrow(() -> new AssertionError("nothing at /var/lib/gkm"));
        Volume sys = volumeAt(w, sysfsRoot.toString()); // read-only, or volumeAt fails

        Volume usage = volumeAt(w, env.get("GKM_USAGE_DIR")); // read-only, or volumeAt fails

        assertThat(hostPaths).extracting(v -> v.getHostPath().getPath())
                .containsExactlyInAnyOrder("/var/lib/gkm", "/sys", "/run/gkm/usage");
        assertThat(sys.getHostPath().getPath()).isEqualTo("/sys");
        // GKM's CSI driver's usage notes, at the path GKM's agent reads them from.
        assertThat(usage.getHostPath().getPath()).isEqualTo("/run/gkm/usage");
        assertThat(gkm.getReadOnly()).isNotEqualTo(Boolean.TRUE);
        assertThat(volume(w, gkm.getName()).getHostPath().getPath()).isEqualTo("/var/lib/gkm");
        assertThat(cacheDir).isEqualTo(Path.of("/var/lib/gkm/caches")); // GKM's layout, under the mount
        assertThat(fieldRef(w, "GKM_NODE_NAME")).isEqualTo("spec.nodeName");
        // A pod replacing a crashed one on the same node keeps its transactional id, and fences it.
        assertThat(fieldRef(w, Settings.INSTANCE.envVar())).isEqualTo("spec.nodeName");
        assertThat(w.container().getVolumeMounts()).filteredOn(m -> !Boolean.TRUE.equals(m.getReadOnly()))
                .extracting(VolumeMount::getMountPath).containsExactlyInAnyOrder("/var/lib/gkm", "/tmp");
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void theNodeConsumerHasRootsUidButNoCapabilityNoEscalationAndAReadOnlyImage(Overlay overlay) {
        Workload w = Manifests.workload(overlay.objects(), "gkm-node-consumer");
        SecurityContext sc = w.container().getSecurityContext();

        assertThat(w.pod().getSecurityContext().getRunAsUser()).isZero();
        assertThat(w.pod().getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(w.pod().getHostPID()).isNotEqualTo(Boolean.TRUE);
        assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
    }

    // --- audit --------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void theAuditLedgerHasOneWriterAtATime(Overlay overlay) {
        Deployment audit = Manifests.named(Manifests.ofType(overlay.objects(), Deployment.class), "gkm-audit");

        // Two would fence each other in turn (AuditLedgerStage has one transactional id); neither forks the chain.
        assertThat(audit.getSpec().getReplicas()).isEqualTo(1);
        assertThat(audit.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(Manifests.ofType(overlay.objects(), PodDisruptionBudget.class))
                .noneMatch(p -> p.getMetadata().getName().equals("gkm-audit"));
    }

    // --- helpers ------------------------------------------------------------------------------

    /** Whether the policy's pod selector (matchLabels and matchExpressions In) selects pods with these labels. */
    private static boolean selects(NetworkPolicy policy, Map<String, String> labels) {
        var selector = policy.getSpec().getPodSelector();
        boolean labelsMatch = selector.getMatchLabels() == null || selector.getMatchLabels().entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
        assertThat(expressions).allSatisfy(e -> assertThat(e.getOperator()).isEqualTo("In"));
        return labelsMatch && expressions.stream().allMatch(e -> e.getValues().contains(labels.get(e.getKey())));
    }

    private static Optional<VolumeMount> mountOf(Workload w, String path) {
        return w.container().getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst();
    }

    private static Volume volume(Workload w, String name) {
        return w.pod().getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    private static String fieldRef(Workload w, String env) {
        EnvVar var = w.container().getEnv().stream().filter(e -> e.getName().equals(env)).findFirst()
                .orElseThrow(() -> new AssertionError(w.name() + " sets no " + env));
        return var.getValueFrom().getFieldRef().getFieldPath();
    }
}
