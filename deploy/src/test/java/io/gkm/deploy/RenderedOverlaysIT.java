package io.gkm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.gkm.core.config.GkmConfig;
import io.gkm.audit.stage.AuditLedgerStage;
import io.gkm.deploy.Manifests.Workload;
import io.gkm.dispatcher.DispatcherSettings;
import io.gkm.dispatcher.status.StatusHandler;
import io.gkm.nodeconsumer.NodeConsumerStage;
import io.gkm.nodeconsumer.NodeConsumerSettings;
import io.gkm.core.config.Setting;
import io.gkm.core.config.Settings;
import io.gkm.core.kafka.KafkaClientFactory;
import io.gkm.core.stage.StageSpec;
import io.gkm.ingest.IngestSettings;
import io.gkm.ingest.admission.CacheKind;
import io.gkm.ingest.admission.KyvernoVerification;
import io.gkm.ingest.watch.KubernetesPermissions;
import io.gkm.ingest.webhook.WebhookPath;
import io.gkm.schemas.TopicSpec;
import io.gkm.schemas.Topics;
import io.gkm.testkit.Fixtures;
import io.gkm.verifier.VerifierSettings;
import io.gkm.verifier.oci.RegistrySettings;
import io.gkm.verifier.policy.ClusterPolicy;
import io.gkm.verifier.policy.PolicyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Renders each overlay with {@code kubectl kustomize}, parses every object with fabric8, and holds
 * the result to the code it deploys and to the invariants of issue #5: workloads with probes,
 * requests, limits and a security context; no RBAC wildcard; ingest's RBAC exactly its code's API
 * calls; GKM's webhooks, ordered after Kyverno's; {@code gkm.kyverno.enabled} reaching ingest;
 * the pipeline topics as {@code gkm topics create} makes them; a KafkaUser per component allowed
 * only its part of the data flow.
 */
class RenderedOverlaysIT {
    static final String NAMESPACE = "gkm-system";
    /** Every component's workload: each runs as its own KafkaUser, named like it. */
    static final List<String> COMPONENTS = List.of("gkm-ingest", "gkm-verifier", "gkm-dispatcher", "gkm-audit",
            "gkm-node-consumer");
    private static final Map<Overlay, List<HasMetadata>> RENDERED = new ConcurrentHashMap<>();

    /** The two overlays and what issue #5 asks of their Kafka. */
    enum Overlay {
        KIND("overlays/kind", 1, 1, 1, 1),
        PRODUCTION("overlays/production", 3, 3, 2, 3);

        final String path;
        final int kafkaNodes;
        final int replication;
        final int minInsyncReplicas;
        final int verifiers;

        Overlay(String path, int kafkaNodes, int replication, int minInsyncReplicas, int verifiers) {
            this.path = path;
            this.kafkaNodes = kafkaNodes;
            this.replication = replication;
            this.minInsyncReplicas = minInsyncReplicas;
            this.verifiers = verifiers;
        }

        List<HasMetadata> objects() {
            return RENDERED.computeIfAbsent(this, o -> {
                try {
                    return Manifests.render(o.path);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    // --- rendering ----------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void rendersAndParsesIntoTheExpectedObjects(Overlay overlay) {
        List<HasMetadata> objects = overlay.objects();

        assertThat(objects).allSatisfy(o -> {
            assertThat(o.getKind()).isNotBlank();
            assertThat(o.getMetadata().getName()).isNotBlank();
        });
        assertThat(Manifests.ofType(objects, Namespace.class)).extracting(n -> n.getMetadata().getName())
                .containsExactly(NAMESPACE);
        assertThat(Manifests.ofType(objects, Deployment.class)).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("gkm-ingest", "gkm-verifier", "gkm-dispatcher", "gkm-audit");
        assertThat(Manifests.ofType(objects, DaemonSet.class)).extracting(d -> d.getMetadata().getName())
                .containsExactly("gkm-node-consumer");
        assertThat(objects.stream().filter(o -> o.getKind().equals("CustomResourceDefinition")))
                .extracting(o -> o.getMetadata().getName()).containsExactlyInAnyOrder(
                        "gkmcaches.gkm.io", "clustergkmcaches.gkm.io", "gkmcachenodes.gkm.io", "clustergkmcachenodes.gkm.io");
        for (String kind : List.of("Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "Certificate", "Issuer")) {
            assertThat(Manifests.ofKind(objects, kind)).as(kind).isNotEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void everyNamespacedObjectIsInGkmSystem(Overlay overlay) {
        Set<String> clusterScoped = Set.of("Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding",
                "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration");

        assertThat(overlay.objects()).filteredOn(o -> !clusterScoped.contains(o.getKind()))
                .isNotEmpty().allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(NAMESPACE));
    }

    // --- workloads ----------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void everyWorkloadHasProbesRequestsLimitsAndARestrictedSecurityContext(Overlay overlay) {
        Map<String, PodTemplateSpec> workloads = workloads(overlay.objects());

        assertThat(workloads).isNotEmpty();
        workloads.forEach((name, template) -> {
            PodSpec pod = template.getSpec();
            assertThat(pod.getSecurityContext()).as(name + " pod security context").isNotNull();
            if (name.equals("DaemonSet/gkm-node-consumer")) {
                // Root's uid without a capability, to write the root-owned host folder (StageWorkloadsIT).
                assertThat(pod.getSecurityContext().getRunAsUser()).as(name + " runAsUser").isZero();
            } else {
                assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(name + " runAsNonRoot").isTrue();
            }
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).as(name + " seccomp").isEqualTo("RuntimeDefault");
            assertThat(pod.getContainers()).isNotEmpty();
            for (Container c : Stream.concat(pod.getContainers().stream(), pod.getInitContainers().stream()).toList()) {
                String what = name + "/" + c.getName();
                if (pod.getContainers().contains(c)) {
                    assertThat(c.getLivenessProbe()).as(what + " liveness probe").isNotNull();
                    assertThat(c.getReadinessProbe()).as(what + " readiness probe").isNotNull();
                }
                ResourceRequirements r = c.getResources();
                assertThat(r.getRequests()).as(what + " requests").containsKeys("cpu", "memory");
                assertThat(r.getLimits()).as(what + " limits").containsKeys("cpu", "memory");
                assertThat(Quantity.getAmountInBytes(r.getLimits().get("memory")))
                        .as(what + " memory limit >= request")
                        .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(r.getRequests().get("memory")));
                SecurityContext sc = c.getSecurityContext();
                assertThat(sc).as(what + " security context").isNotNull();
                assertThat(sc.getAllowPrivilegeEscalation()).as(what + " allowPrivilegeEscalation").isFalse();
                assertThat(sc.getPrivileged()).as(what + " privileged").isNotEqualTo(Boolean.TRUE);
                assertThat(sc.getReadOnlyRootFilesystem()).as(what + " readOnlyRootFilesystem").isTrue();
                assertThat(sc.getCapabilities().getDrop()).as(what + " capabilities dropped").containsExactly("ALL");
                assertThat(sc.getCapabilities().getAdd()).as(what + " capabilities added").isNullOrEmpty();
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void ingestRunsTwoReplicasThatADisruptionBudgetKeepsOneOf(Overlay overlay) {
        Deployment ingest = ingest(overlay.objects());
        Map<String, String> podLabels = ingest.getSpec().getTemplate().getMetadata().getLabels();
        PodDisruptionBudget pdb = Manifests.named(Manifests.ofType(overlay.objects(), PodDisruptionBudget.class), "gkm-ingest");

        assertThat(ingest.getSpec().getReplicas()).isEqualTo(2);
        assertThat(ingest.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(ingest.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).containsExactly("ingest");
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void theNetworkPolicyOpensOnlyTheWebhookPortOfIngestsPods(Overlay overlay) {
        Deployment ingest = ingest(overlay.objects());
        NetworkPolicy policy = Manifests.named(Manifests.ofType(overlay.objects(), NetworkPolicy.class), "gkm-ingest");
        List<ContainerPort> ports = ingest.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts();

        assertThat(ingest.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
        assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress");
        assertThat(policy.getSpec().getIngress()).hasSize(1);
        List<NetworkPolicyPort> open = policy.getSpec().getIngress().get(0).getPorts();
        assertThat(open).hasSize(1);
        assertThat(ports).hasSize(1);
        assertThat(open.get(0).getPort().getStrVal()).isEqualTo(ports.get(0).getName());
        assertThat(String.valueOf(ports.get(0).getContainerPort()))
                .isEqualTo(resolvedEnv(overlay.objects(), ingest).get(IngestSettings.WEBHOOK_PORT.envVar()));
    }

    // --- RBAC ---------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void noRbacRuleUsesAWildcard(Overlay overlay) {
        List<PolicyRule> rules = new ArrayList<>();
        Manifests.ofType(overlay.objects(), ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));
        Manifests.ofType(overlay.objects(), Role.class).forEach(r -> rules.addAll(r.getRules()));

        assertThat(rules).isNotEmpty().allSatisfy(rule -> {
            for (List<String> field : List.of(rule.getApiGroups(), rule.getResources(), rule.getVerbs(),
                    rule.getResourceNames(), rule.getNonResourceURLs())) {
                assertThat(field).as("rule " + rule).noneMatch(v -> v.contains("*"));
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void ingestsServiceAccountMayDoExactlyWhatItsCodeCallsClusterWideAndOnLeasesOfItsNamespace(Overlay overlay) {
        List<HasMetadata> objects = overlay.objects();
        Deployment ingest = ingest(objects);
        String account = ingest.getSpec().getTemplate().getSpec().getServiceAccountName();
        Set<String> clusterWide = new TreeSet<>();
        for (ClusterRoleBinding b : Manifests.ofType(objects, ClusterRoleBinding.class)) {
            if (bindsServiceAccount(b.getSubjects(), account)) {
                clusterWide.addAll(triples(rulesOf(objects, b.getRoleRef())));
            }
        }
        Map<String, Set<String>> byNamespace = new TreeMap<>();
        for (RoleBinding b : Manifests.ofType(objects, RoleBinding.class)) {
            if (bindsServiceAccount(b.getSubjects(), account)) {
                byNamespace.computeIfAbsent(b.getMetadata().getNamespace(), ns -> new TreeSet<>())
                        .addAll(triples(rulesOf(objects, b.getRoleRef())));
            }
        }
        GkmConfig config = load(resolvedEnv(objects, ingest));
        // In the pod, the Lease's namespace is the pod's own (its service account's namespace file).
        String leaseNamespace = IngestSettings.election(config, "gkm-ingest-pod", Optional.of(NAMESPACE)).namespace();

        assertThat(account).isEqualTo("gkm-ingest");
        assertThat(clusterWide).isEqualTo(IngestApiCallsIT.triples(KubernetesPermissions.INGEST));
        assertThat(config.get(IngestSettings.LEADER_ELECTION)).as("two replicas elect one watch publisher").isTrue();
        assertThat(byNamespace).isEqualTo(Map.of(leaseNamespace, IngestApiCallsIT.triples(KubernetesPermissions.INGEST_LEASE)));
    }

    // --- webhooks -----------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void webhooksHaveGkmsNamesPathsAndRulesAndTheRequiredSettings(Overlay overlay) throws IOException {
        List<HasMetadata> objects = overlay.objects();
        List<Hook> ours = Hook.all(objects);
        List<Hook> gkms = Hook.all(Manifests.parse(Files.readString(Fixtures.path("gkm/config/webhook/manifests.yaml"))));
        Map<String, String> pathByName = new TreeMap<>();
        ours.forEach(h -> pathByName.put(h.name(), h.service().getPath()));
        Map<String, String> gkmPathByName = new TreeMap<>();
        gkms.forEach(h -> gkmPathByName.put(h.name(), h.service().getPath()));
        Map<String, List<RuleWithOperations>> rulesByName = new TreeMap<>();
        ours.forEach(h -> rulesByName.put(h.name(), h.rules()));
        Map<String, List<RuleWithOperations>> gkmRulesByName = new TreeMap<>();
        gkms.forEach(h -> gkmRulesByName.put(h.name(), h.rules()));
        List<ServiceReference> services = ours.stream().map(Hook::service).toList();

        assertThat(Manifests.ofType(objects, MutatingWebhookConfiguration.class)).hasSize(1);
        assertThat(Manifests.ofType(objects, ValidatingWebhookConfiguration.class)).hasSize(1);
        assertThat(ours).allSatisfy(h -> {
            assertThat(h.failurePolicy()).as(h.name() + " failurePolicy").isEqualTo("Fail");
            assertThat(h.sideEffects()).as(h.name() + " sideEffects").isEqualTo("None");
            assertThat(h.timeoutSeconds()).as(h.name() + " timeoutSeconds").isEqualTo(30);
            assertThat(h.admissionReviewVersions()).as(h.name() + " admissionReviewVersions").containsExactly("v1");
            assertThat(h.reinvocationPolicy()).as(h.name() + " reinvocationPolicy")
                    .isEqualTo(h.mutating() ? "IfNeeded" : null);
        });
        assertThat(pathByName).isEqualTo(gkmPathByName).containsOnlyKeys(
                "z-mgkmcache.kb.io", "z-vgkmcache.kb.io", "z-mclustergkmcache.kb.io", "z-vclustergkmcache.kb.io");
        assertThat(pathByName.values()).containsExactlyInAnyOrderElementsOf(
                WebhookPath.all().stream().map(WebhookPath::path).toList());
        assertThat(rulesByName).isEqualTo(gkmRulesByName);
        assertThat(Stream.of(CacheKind.values()).map(CacheKind::mutatePath)).allMatch(pathByName::containsValue);

        Service service = Manifests.named(Manifests.ofType(objects, Service.class), services.get(0).getName());
        assertThat(services).allSatisfy(s -> {
            assertThat(s.getName()).isEqualTo(service.getMetadata().getName());
            assertThat(s.getNamespace()).isEqualTo(service.getMetadata().getNamespace());
        });
        ServicePort port = service.getSpec().getPorts().stream()
                .filter(p -> p.getPort().equals(services.get(0).getPort())).findFirst().orElseThrow();
        Deployment ingest = ingest(objects);
        assertThat(ingest.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(ingest.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
                .extracting(ContainerPort::getName).contains(port.getTargetPort().getStrVal());
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void certManagerInjectsTheCaOfTheCertificateIngestServes(Overlay overlay) {
        List<HasMetadata> objects = overlay.objects();
        Deployment ingest = ingest(objects);
        Map<String, String> env = resolvedEnv(objects, ingest);
        String certDir = Path.of(env.get(IngestSettings.WEBHOOK_TLS_CERT.envVar())).getParent().toString();
        String servedSecret = secretMountedAt(Workload.of(ingest), certDir);
        List<HasMetadata> configurations = new ArrayList<>();
        configurations.addAll(Manifests.ofType(objects, MutatingWebhookConfiguration.class));
        configurations.addAll(Manifests.ofType(objects, ValidatingWebhookConfiguration.class));

        assertThat(Path.of(env.get(IngestSettings.WEBHOOK_TLS_KEY.envVar())).getParent().toString()).isEqualTo(certDir);
        for (HasMetadata c : configurations) {
            String injectFrom = c.getMetadata().getAnnotations().get("cert-manager.io/inject-ca-from");
            assertThat(injectFrom).as(c.getMetadata().getName()).isNotNull();
            String[] nsName = injectFrom.split("/", 2);
            GenericKubernetesResource certificate = Manifests.named(Manifests.ofKind(objects, "Certificate"), nsName[1]);
            assertThat(certificate.getMetadata().getNamespace()).isEqualTo(nsName[0]);
            assertThat((String) Manifests.field(certificate, "spec", "secretName")).isEqualTo(servedSecret);
            assertThat(Manifests.strings(Manifests.field(certificate, "spec", "dnsNames"))).contains("gkm-ingest.gkm-system.svc");
            GenericKubernetesResource issuer = Manifests.named(Manifests.ofKind(objects, "Issuer"),
                    Manifests.field(certificate, "spec", "issuerRef", "name"));
            assertThat((Object) Manifests.field(issuer, "spec", "ca")).as("a CA issuer: renewals keep the caBundle").isNotNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void ourWebhookConfigurationsSortAfterKyvernos(Overlay overlay) {
        WebhookOrderTest.assertAllAfterKyvernos(WebhookOrderTest.mutating(overlay.objects()),
                WebhookOrderTest.KYVERNO_MUTATING);
        WebhookOrderTest.assertAllAfterKyvernos(WebhookOrderTest.validating(overlay.objects()),
                WebhookOrderTest.KYVERNO_VALIDATING);
    }

    // --- configuration ------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void ingestsEnvironmentIsAValidConfigurationOfGkmIngest(Overlay overlay) {
        Map<String, String> env = resolvedEnv(overlay.objects(), ingest(overlay.objects()));

        GkmConfig config = load(env);

        assertThat(config.get(IngestSettings.WEBHOOK_HOST)).isEqualTo("0.0.0.0");
        assertThat(config.get(Settings.TOPIC_REPLICATION)).isEqualTo(overlay.replication);
        assertThat(config.kafkaPassThrough()).containsEntry("security.protocol", "SSL");
        assertThat(env).doesNotContainKey(IngestSettings.KYVERNO_VERIFICATION_ENABLED.envVar());
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void gkmKyvernoEnabledReachesIngestAsKyvernoVerificationEnabled(Overlay overlay) {
        List<HasMetadata> objects = overlay.objects();
        Deployment ingest = ingest(objects);
        EnvVar switchVar = ingest.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals(KyvernoVerification.GKM_ENV_VAR)).findFirst().orElseThrow();
        ConfigMap gkmConfig = Manifests.named(Manifests.ofType(objects, ConfigMap.class), "gkm-config");

        assertThat(switchVar.getValueFrom().getConfigMapKeyRef().getName()).isEqualTo("gkm-config");
        assertThat(switchVar.getValueFrom().getConfigMapKeyRef().getKey()).isEqualTo("gkm.kyverno.enabled");
        assertThat(gkmConfig.getData()).containsEntry("gkm.kyverno.enabled", "true");
        for (String value : List.of("true", "false")) {
            List<HasMetadata> switched = new ArrayList<>(objects);
            ConfigMap changed = Manifests.SERIALIZATION.clone(gkmConfig);
            changed.getData().put("gkm.kyverno.enabled", value);
            switched.set(switched.indexOf(gkmConfig), changed);
            Map<String, String> env = resolvedEnv(switched, ingest);

            assertThat(IngestSettings.kyvernoVerification(load(env), env).enabled()).as("gkm.kyverno.enabled=" + value)
                    .isEqualTo(Boolean.parseBoolean(value));
        }
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void inlineVerificationAndTheVerifierReadGkmsPoliciesFromTheGkmPoliciesConfigMap(Overlay overlay) {
        List<HasMetadata> objects = overlay.objects();
        Map<String, String> ingestEnv = resolvedEnv(objects, ingest(objects));
        GkmConfig ingestConfig = load(ingestEnv);

        assertThat(IngestSettings.missingPolicies(ingestConfig, IngestSettings.kyvernoVerification(ingestConfig,
                ingestEnv))).isEmpty();
        for (Deployment d : List.of(ingest(objects), verifier(objects))) {
            GkmConfig config = load(resolvedEnv(objects, d));
            List<String> policies = config.get(IngestSettings.POLICIES);
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            Path policyFile = Path.of(policies.get(0));
            Volume volume = volumeAt(Workload.of(d), policyFile.getParent().toString());
            Path tufCache = config.get(VerifierSettings.SIGSTORE_TUF_CACHE);

            assertThat(policies).as(d.getMetadata().getName()).hasSize(1);
            assertThat(volume.getConfigMap().getName()).isEqualTo("gkm-policies");
            assertThat(policyFile.getFileName().toString()).isEqualTo("policies.yaml"); // the key `make deploy` writes
            assertThat(pod.getContainers().get(0).getVolumeMounts()).as(d.getMetadata().getName()
                    + ": a writable emptyDir holds the TUF cache").anySatisfy(m -> {
                        assertThat(tufCache.startsWith(m.getMountPath())).isTrue();
                        assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
                        assertThat(pod.getVolumes()).anySatisfy(v -> {
                            assertThat(v.getName()).isEqualTo(m.getName());
                            assertThat(v.getEmptyDir()).isNotNull();
                        });
                    });
        }
        // The verifier cannot work without them: the pod waits for the ConfigMap rather than start without.
        assertThat(volumeAt(Workload.of(verifier(objects)), "/etc/gkm/policies").getConfigMap().getOptional())
                .isNotEqualTo(Boolean.TRUE);
    }

    @Test
    void gkmsPoliciesAsKubectlKustomizeWritesThemLoadIntoTheVerifier() throws Exception {
        // What `make deploy-gkm-policies` puts into ConfigMap gkm-policies, rendered from the seed's own
        // kustomization (deploy/kyverno/policies fetches the same files from GKM's repository).
        String rendered = Manifests.renderText(Fixtures.path("gkm/config/kyverno/policies").toString());

        List<ClusterPolicy> policies = PolicyLoader.parse(rendered, "gkm-policies/policies.yaml");

        assertThat(policies).extracting(ClusterPolicy::name).containsExactlyInAnyOrder(
                "verify-clustergkmcache-images", "verify-gkmcache-images-v2", "verify-gkmcache-images-v3");
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void everyComponentReachesKafkaOverTlsWithItsOwnKafkaUsersCertificate(Overlay overlay) {
        List<HasMetadata> objects = overlay.objects();
        for (String component : COMPONENTS) {
            reachesKafkaOverTlsAsItsOwnKafkaUser(objects, Manifests.workload(objects, component));
        }
    }

    /** {@code workload} reaches Strimzi's TLS listener with the certificate of KafkaUser {@code <its name>}. */
    private static void reachesKafkaOverTlsAsItsOwnKafkaUser(List<HasMetadata> objects, Workload workload) {
        Map<String, String> env = resolvedEnv(objects, workload);
        GenericKubernetesResource kafka = Manifests.ofKind(objects, "Kafka").get(0);
        String ns = kafka.getMetadata().getNamespace();
        List<?> listeners = Manifests.field(kafka, "spec", "kafka", "listeners");
        Map<?, ?> tls = (Map<?, ?>) listeners.get(0);
        Path truststore = Path.of(env.get("GKM_KAFKA_SSL_TRUSTSTORE_LOCATION"));
        Path keystore = Path.of(env.get("GKM_KAFKA_SSL_KEYSTORE_LOCATION"));

        assertThat(listeners).hasSize(1);
        assertThat(env.get(Settings.KAFKA_BOOTSTRAP_SERVERS.envVar()))
                .isEqualTo(kafka.getMetadata().getName() + "-kafka-bootstrap." + ns + ".svc:" + tls.get("port"));
        assertThat(secretMountedAt(workload, truststore.getParent().toString()))
                .isEqualTo(kafka.getMetadata().getName() + "-cluster-ca-cert"); // Strimzi's cluster CA Secret
        assertThat(secretItems(workload, truststore.getParent().toString())).containsExactly(
                truststore.getFileName().toString());
        String userSecret = secretMountedAt(workload, keystore.getParent().toString());
        assertThat(userSecret).isEqualTo(workload.name());
        assertThat(Manifests.ofKind(objects, "KafkaUser")).extracting(u -> u.getMetadata().getName()).contains(userSecret);
        assertThat(secretItems(workload, keystore.getParent().toString())).containsExactly("user.p12");
        EnvVar password = workload.container().getEnv().stream()
                .filter(e -> e.getName().equals("GKM_KAFKA_SSL_KEYSTORE_PASSWORD")).findFirst().orElseThrow();
        assertThat(password.getValueFrom().getSecretKeyRef().getName()).isEqualTo(userSecret);
        assertThat(password.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("user.password");
    }

    // --- the verifier -------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void theVerifierRunsItsStageInTheOverlaysReplicasEachWithItsPodNameAsInstance(Overlay overlay) {
        List<HasMetadata> objects = overlay.objects();
        Deployment verifier = verifier(objects);
        Container c = verifier.getSpec().getTemplate().getSpec().getContainers().get(0);
        EnvVar instance = c.getEnv().stream().filter(e -> e.getName().equals(Settings.INSTANCE.envVar())).findFirst()
                .orElseThrow(() -> new AssertionError("gkm-verifier sets no " + Settings.INSTANCE.envVar()));
        PodDisruptionBudget pdb = Manifests.named(Manifests.ofType(objects, PodDisruptionBudget.class), "gkm-verifier");

        assertThat(c.getArgs()).containsExactly("verifier");
        assertThat(verifier.getSpec().getReplicas()).isEqualTo(overlay.verifiers);
        // Replicas with one GKM_INSTANCE would share a transactional id and fence each other in turn.
        assertThat(instance.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        assertThat(verifier.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(verifier.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .as("time to finish a transaction after SIGTERM")
                .isGreaterThan(load(resolvedEnv(objects, verifier)).get(Settings.STAGE_TRANSACTION_TIMEOUT).toSeconds());
    }

    @Test
    void onKindEveryGkmDeploymentToleratesGkmsGpuNodeTaint() {
        assertThat(Manifests.ofType(Overlay.KIND.objects(), Deployment.class)).isNotEmpty().allSatisfy(d ->
                assertThat(d.getSpec().getTemplate().getSpec().getTolerations()).as(d.getMetadata().getName())
                        .anySatisfy(t -> {
                            assertThat(t.getKey()).isEqualTo("gpu");
                            assertThat(t.getEffect()).isEqualTo("NoSchedule");
                        }));
    }

    // --- Kafka --------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void everyPipelineTopicHasAKafkaTopicAsGkmTopicsCreatesItAndNoOther(Overlay overlay) {
        List<HasMetadata> objects = overlay.objects();
        GkmConfig config = load(resolvedEnv(objects, ingest(objects)));
        Topics topics = new Topics(config.get(Settings.TOPIC_PREFIX), config.get(Settings.TOPIC_PARTITIONS),
                config.get(Settings.TOPIC_REPLICATION).shortValue());
        String kafkaName = Manifests.ofKind(objects, "Kafka").get(0).getMetadata().getName();
        Map<String, TopicSpec> rendered = new TreeMap<>();
        for (GenericKubernetesResource t : Manifests.ofKind(objects, "KafkaTopic")) {
            assertThat(t.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", kafkaName);
            String name = Objects.requireNonNullElse(Manifests.field(t, "spec", "topicName"), t.getMetadata().getName());
            Map<String, String> configs = new TreeMap<>();
            Map<?, ?> c = Manifests.field(t, "spec", "config");
            if (c != null) {
                c.forEach((k, v) -> configs.put(String.valueOf(k), String.valueOf(v)));
            }
            rendered.put(name, new TopicSpec(name, ((Number) Manifests.field(t, "spec", "partitions")).intValue(),
                    ((Number) Manifests.field(t, "spec", "replicas")).shortValue(), configs));
        }
        Map<String, TopicSpec> expected = new TreeMap<>();
        topics.pipelineTopics().forEach(t -> expected.put(t.name(), t));

        assertThat(rendered).isEqualTo(expected);
        assertThat(topics.replication()).isEqualTo((short) overlay.replication);
        assertThat(rendered.values()).allSatisfy(t -> assertThat(t.configs().getOrDefault("min.insync.replicas", "1"))
                .isEqualTo(String.valueOf(overlay.minInsyncReplicas)));
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void kafkaRunsInKraftNodePoolsWithTlsClientAuthenticationAndTheOverlaysReplication(Overlay overlay) {
        List<HasMetadata> objects = overlay.objects();
        GenericKubernetesResource kafka = Manifests.ofKind(objects, "Kafka").get(0);
        List<GenericKubernetesResource> pools = Manifests.ofKind(objects, "KafkaNodePool");
        Map<?, ?> config = Manifests.field(kafka, "spec", "kafka", "config");

        assertThat(kafka.getMetadata().getAnnotations()).containsEntry("strimzi.io/kraft", "enabled")
                .containsEntry("strimzi.io/node-pools", "enabled");
        assertThat((Object) Manifests.field(kafka, "spec", "zookeeper")).isNull();
        assertThat(pools).hasSize(1);
        assertThat(pools.get(0).getMetadata().getLabels()).containsEntry("strimzi.io/cluster", kafka.getMetadata().getName());
        assertThat(Manifests.strings(Manifests.field(pools.get(0), "spec", "roles"))).containsExactlyInAnyOrder("controller", "broker");
        assertThat(((Number) Manifests.field(pools.get(0), "spec", "replicas")).intValue()).isEqualTo(overlay.kafkaNodes);
        assertThat((String) Manifests.field(kafka, "spec", "kafka", "authorization", "type")).isEqualTo("simple");
        assertThat((List<?>) Manifests.field(kafka, "spec", "kafka", "listeners")).allSatisfy(l -> {
            assertThat(((Map<?, ?>) l).get("tls")).isEqualTo(true);
            assertThat(((Map<?, ?>) ((Map<?, ?>) l).get("authentication")).get("type")).isEqualTo("tls");
        });
        assertThat(config.get("auto.create.topics.enable")).isEqualTo(false);
        for (String key : List.of("default.replication.factor", "offsets.topic.replication.factor",
                "transaction.state.log.replication.factor")) {
            assertThat(((Number) config.get(key)).intValue()).as(key).isEqualTo(overlay.replication);
        }
        for (String key : List.of("min.insync.replicas", "transaction.state.log.min.isr")) {
            assertThat(((Number) config.get(key)).intValue()).as(key).isEqualTo(overlay.minInsyncReplicas);
        }
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void eachComponentsKafkaUserMayDoOnlyItsPartOfTheDataFlow(Overlay overlay) {
        List<HasMetadata> objects = overlay.objects();
        GkmConfig config = load(resolvedEnv(objects, ingest(objects)));
        Topics t = new Topics(config.get(Settings.TOPIC_PREFIX), 1, (short) 1);
        String cluster = config.get(Settings.CLUSTER);
        Set<String> read = Set.of("Describe", "Read");
        Set<String> write = Set.of("Describe", "Write");
        Map<String, Map<String, Set<String>>> topicAccess = new LinkedHashMap<>();
        topicAccess.put("ingest", Map.of(t.admissions(), write, t.audit(), write, t.resources(), write,
                t.ingestWatchState(), Set.of("Create", "Describe", "Read", "Write")));
        topicAccess.put("verifier", Map.of(t.admissions(), read, t.resources(), read, t.verifications(), write,
                t.audit(), write, t.dlq(), write));
        topicAccess.put("dispatcher", Map.of(t.verifications(), read, t.resources(), read, t.nodes(), read,
                t.dispatcherState(), Set.of("Describe", "Read", "Write"), t.installResults(), read,
                t.jobs(cluster, "node-a"), Set.of("Create", "Describe", "Write"), t.audit(), write, t.dlq(), write));
        topicAccess.put("node-consumer", Map.of(t.jobs(cluster, "node-a"), read, t.installResults(), write,
                t.nodes(), write, t.audit(), write, t.dlq(), write));
        // The ledger chains undecodable records too: no dead letters, and no audit events of its own.
        topicAccess.put("audit", Map.of(t.audit(), read, t.auditLedger(), Set.of("Describe", "Read", "Write")));
        List<String> everyTopic = new ArrayList<>(t.pipelineTopics().stream().map(TopicSpec::name).toList());
        everyTopic.add(t.jobs(cluster, "node-a"));
        Map<String, KafkaAcls> users = new TreeMap<>();
        Manifests.ofKind(objects, "KafkaUser").forEach(u -> users.put(u.getMetadata().getName(), KafkaAcls.of(u)));

        assertThat(users.keySet()).containsExactlyInAnyOrderElementsOf(
                topicAccess.keySet().stream().map(c -> "gkm-" + c).toList());
        Manifests.ofKind(objects, "KafkaUser").forEach(u ->
                assertThat((String) Manifests.field(u, "spec", "authentication", "type")).isEqualTo("tls"));
        for (String component : topicAccess.keySet()) {
            KafkaAcls acls = users.get("gkm-" + component);
            assertThat(acls.acls()).allSatisfy(a -> {
                assertThat(a.type()).isIn("topic", "group", "transactionalId");
                assertThat(a.name()).isNotEqualTo("*");
                assertThat(a.operations()).doesNotContain("All");
            });
            for (String topic : everyTopic) {
                assertThat(acls.allowed("topic", topic)).as(component + " on " + topic)
                        .isEqualTo(topicAccess.get(component).getOrDefault(topic, Set.of()));
            }
            for (String other : topicAccess.keySet()) {
                if (other.equals("ingest")) {
                    continue; // no consumer group; its transactional id is checked below
                }
                StageSpec stage = new StageSpec(other, cluster, "pod-0", List.of(t.audit()));
                boolean own = other.equals(component);
                assertThat(acls.allowed("group", stage.groupId(t.prefix()))).as(component + " in group of " + other)
                        .isEqualTo(own ? Set.of("Read") : Set.of());
                assertThat(acls.allowed("transactionalId", stage.transactionalId(t.prefix())))
                        .as(component + " as transactional id of " + other).isEqualTo(own ? write : Set.of());
            }
        }
        // The dispatcher's second loop (status projection), and a node-consumer's group of its own.
        StageSpec status = new StageSpec(StatusHandler.STAGE, cluster, "pod-0", StatusHandler.inputs(t));
        assertThat(users.get("gkm-dispatcher").allowed("group", status.groupId(t.prefix()))).isEqualTo(Set.of("Read"));
        assertThat(users.get("gkm-dispatcher").allowed("transactionalId", status.transactionalId(t.prefix())))
                .isEqualTo(write);
        assertThat(users.get("gkm-verifier").allowed("transactionalId", status.transactionalId(t.prefix()))).isEmpty();
        StageSpec node = NodeConsumerStage.Identity.of(load(Map.of(Settings.CLUSTER.envVar(), cluster,
                NodeConsumerSettings.NODE_NAME.envVar(), "node-a")), t).spec();
        assertThat(users.get("gkm-node-consumer").allowed("group", node.groupId(t.prefix()))).isEqualTo(Set.of("Read"));
        assertThat(users.get("gkm-node-consumer").allowed("transactionalId", node.transactionalId(t.prefix())))
                .isEqualTo(write);
        assertThat(users.get("gkm-node-consumer").allowed("transactionalId", node.transactionalId(t.prefix())
                + ".inventory")).isEqualTo(write);
        // The ledger's one writer.
        assertThat(users.get("gkm-audit").allowed("group", AuditLedgerStage.groupId(t))).isEqualTo(Set.of("Read"));
        assertThat(users.get("gkm-audit").allowed("transactionalId", AuditLedgerStage.transactionalId(t)))
                .isEqualTo(write);
        assertThat(users.get("gkm-dispatcher").allowed("transactionalId", AuditLedgerStage.transactionalId(t))).isEmpty();
        // ResourceWatches' transactional id: one watch publisher per cluster.
        assertThat(users.get("gkm-ingest").allowed("transactionalId", "gkm-ingest-watch-" + cluster)).isEqualTo(write);
        assertThat(users.get("gkm-verifier").allowed("transactionalId", "gkm-ingest-watch-" + cluster)).isEmpty();
    }

    @Test
    void theAclEvaluatorMatchesLiteralAndPrefixedNamesLikeKafka() {
        KafkaAcls acls = new KafkaAcls("u", List.of(
                new KafkaAcls.Acl("topic", "gkm.jobs.", "prefix", Set.of("Read")),
                new KafkaAcls.Acl("topic", "gkm.nodes", "literal", Set.of("Write"))));

        assertThat(acls.allowed("topic", "gkm.jobs.kind.node-a")).containsExactly("Read");
        assertThat(acls.allowed("topic", "gkm.jobs")).isEmpty();
        assertThat(acls.allowed("topic", "gkm.nodes")).containsExactly("Write");
        assertThat(acls.allowed("topic", "gkm.nodes2")).isEmpty();
        assertThat(acls.allowed("group", "gkm.nodes")).isEmpty();
    }

    // --- helpers ------------------------------------------------------------------------------

    /** The settings gkm ingest reads (cli's IngestCommand.SETTINGS: shared, ingest's, registry's, verifier's). */
    static GkmConfig load(Map<String, String> env) {
        List<Setting<?>> settings = Stream.of(Settings.all(), IngestSettings.all(), RegistrySettings.all(),
                VerifierSettings.all(), DispatcherSettings.all(), NodeConsumerSettings.all()).flatMap(List::stream)
                .toList();
        return GkmConfig.load(settings, env, Map.of(), Map.of(), KafkaClientFactory.clientPropertyNames());
    }

    private static Deployment ingest(List<HasMetadata> objects) {
        return Manifests.named(Manifests.ofType(objects, Deployment.class), "gkm-ingest");
    }

    private static Deployment verifier(List<HasMetadata> objects) {
        return Manifests.named(Manifests.ofType(objects, Deployment.class), "gkm-verifier");
    }

    private static Map<String, PodTemplateSpec> workloads(List<HasMetadata> objects) {
        Map<String, PodTemplateSpec> templates = new TreeMap<>();
        Manifests.ofType(objects, Deployment.class).forEach(d -> templates.put("Deployment/" + d.getMetadata().getName(),
                d.getSpec().getTemplate()));
        Manifests.ofType(objects, DaemonSet.class).forEach(d -> templates.put("DaemonSet/" + d.getMetadata().getName(),
                d.getSpec().getTemplate()));
        Manifests.ofType(objects, StatefulSet.class).forEach(d -> templates.put("StatefulSet/" + d.getMetadata().getName(),
                d.getSpec().getTemplate()));
        return templates;
    }

    /**
     * The container's environment as the kubelet would set it from these objects: envFrom
     * ConfigMaps, then env (values, ConfigMap keys; Secret keys and the pod name as placeholders).
     */
    static Map<String, String> resolvedEnv(List<HasMetadata> objects, Deployment deployment) {
        return resolvedEnv(objects, Workload.of(deployment));
    }

    static Map<String, String> resolvedEnv(List<HasMetadata> objects, Workload workload) {
        Container c = workload.container();
        List<ConfigMap> configMaps = Manifests.ofType(objects, ConfigMap.class);
        Map<String, String> env = new HashMap<>();
        for (EnvFromSource from : c.getEnvFrom()) {
            env.putAll(Manifests.named(configMaps, from.getConfigMapRef().getName()).getData());
        }
        for (EnvVar e : c.getEnv()) {
            if (e.getValue() != null) {
                env.put(e.getName(), e.getValue());
            } else if (e.getValueFrom().getConfigMapKeyRef() != null) {
                var ref = e.getValueFrom().getConfigMapKeyRef();
                Map<String, String> data = Manifests.named(configMaps, ref.getName()).getData();
                assertThat(data).as("ConfigMap " + ref.getName()).containsKey(ref.getKey());
                env.put(e.getName(), data.get(ref.getKey()));
            } else if (e.getValueFrom().getSecretKeyRef() != null) {
                env.put(e.getName(), "secret:" + e.getValueFrom().getSecretKeyRef().getName());
            } else {
                env.put(e.getName(), workload.name() + "-" + e.getValueFrom().getFieldRef().getFieldPath());
            }
        }
        return env;
    }

    /** The Secret mounted (read-only) at {@code dir} in the workload's container. */
    static String secretMountedAt(Workload workload, String dir) {
        return secretVolumeAt(workload, dir).getSecret().getSecretName();
    }

    static List<String> secretItems(Workload workload, String dir) {
        return secretVolumeAt(workload, dir).getSecret().getItems().stream().map(i -> i.getPath()).toList();
    }

    private static Volume secretVolumeAt(Workload workload, String dir) {
        Volume volume = volumeAt(workload, dir);
        assertThat(volume.getSecret()).as("volume at " + dir + " is a Secret").isNotNull();
        return volume;
    }

    /** The volume mounted read-only at {@code dir} in the workload's container. */
    static Volume volumeAt(Workload workload, String dir) {
        VolumeMount mount = workload.container().getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(dir)).findFirst()
                .orElseThrow(() -> new AssertionError(workload.name() + " mounts nothing at " + dir));
        assertThat(mount.getReadOnly()).as("mount " + dir + " read-only").isTrue();
        return workload.pod().getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                .orElseThrow();
    }

    /** A mutating or validating webhook, as far as these tests look at it; rules without their scope. */
    private record Hook(String name, boolean mutating, ServiceReference service, List<RuleWithOperations> rules,
                        String failurePolicy, String sideEffects, Integer timeoutSeconds,
                        List<String> admissionReviewVersions, String reinvocationPolicy) {
        static List<Hook> all(List<HasMetadata> objects) {
            List<Hook> hooks = new ArrayList<>();
            for (MutatingWebhookConfiguration c : Manifests.ofType(objects, MutatingWebhookConfiguration.class)) {
                for (MutatingWebhook w : c.getWebhooks()) {
                    hooks.add(new Hook(w.getName(), true, w.getClientConfig().getService(), withoutScope(w.getRules()),
                            w.getFailurePolicy(), w.getSideEffects(), w.getTimeoutSeconds(), w.getAdmissionReviewVersions(),
                            w.getReinvocationPolicy()));
                }
            }
            for (ValidatingWebhookConfiguration c : Manifests.ofType(objects, ValidatingWebhookConfiguration.class)) {
                for (ValidatingWebhook w : c.getWebhooks()) {
                    hooks.add(new Hook(w.getName(), false, w.getClientConfig().getService(), withoutScope(w.getRules()),
                            w.getFailurePolicy(), w.getSideEffects(), w.getTimeoutSeconds(), w.getAdmissionReviewVersions(),
                            null));
                }
            }
            return hooks;
        }

        /** GKM's rules name no scope (defaulting to "*"); ours narrow it to the resource's own scope. */
        private static List<RuleWithOperations> withoutScope(List<RuleWithOperations> rules) {
            return rules.stream().map(r -> new RuleWithOperations(r.getApiGroups(), r.getApiVersions(), r.getOperations(),
                    r.getResources(), null)).toList();
        }
    }

    static boolean bindsServiceAccount(List<Subject> subjects, String account) {
        return subjects.stream().anyMatch(s -> s.getKind().equals("ServiceAccount") && s.getName().equals(account)
                && NAMESPACE.equals(s.getNamespace()));
    }

    static List<PolicyRule> rulesOf(List<HasMetadata> objects, RoleRef ref) {
        return ref.getKind().equals("ClusterRole")
                ? Manifests.named(Manifests.ofType(objects, ClusterRole.class), ref.getName()).getRules()
                : Manifests.named(Manifests.ofType(objects, Role.class), ref.getName()).getRules();
    }

    /** Rules as {@code group/resource:verb} triples. */
    static Set<String> triples(List<PolicyRule> rules) {
        Set<String> triples = new TreeSet<>();
        for (PolicyRule r : rules) {
            for (String g : r.getApiGroups()) {
                for (String res : r.getResources()) {
                    r.getVerbs().forEach(v -> triples.add(g + "/" + res + ":" + v));
                }
            }
        }
        return triples;
    }
}
