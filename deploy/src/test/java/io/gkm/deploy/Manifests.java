package io.gkm.deploy;

import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The manifests of this module as the API server would get them: rendered with {@code kubectl
 * kustomize} (overlays) or read as they are (single files), parsed with fabric8; kinds fabric8 has
 * no model for (Strimzi's, cert-manager's) become {@link GenericKubernetesResource}s.
 */
final class Manifests {
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    /** Surefire and Failsafe run in the module's folder, where base/, overlays/ and kyverno/ are. */
    static final Path MODULE = Path.of("").toAbsolutePath();
    private static final long RENDER_TIMEOUT_SECONDS = 120;

    private Manifests() {
    }

    /** {@code kubectl kustomize <dir>} (dir relative to the module), every object parsed. */
    static List<HasMetadata> render(String kustomization) throws IOException, InterruptedException {
        return parse(renderText(kustomization));
    }

    /** {@code kubectl kustomize <dir>} (dir relative to the module, or absolute): the YAML it prints. */
    static String renderText(String kustomization) throws IOException, InterruptedException {
        Path kubectl = kubectl().orElseGet(() -> fail("kubectl is not on the PATH; it renders deploy/'s kustomizations. "
                + "Install it: apt-get install -y kubectl (./run-tests does so when it is missing)"));
        Process process = new ProcessBuilder(kubectl.toString(), "kustomize", MODULE.resolve(kustomization).toString())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        String stdout = readAll(process.getInputStream());
        if (!process.waitFor(RENDER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("kubectl kustomize " + kustomization + " did not finish within " + RENDER_TIMEOUT_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            fail("kubectl kustomize " + kustomization + " failed (exit " + process.exitValue() + "): " + stderr.join());
        }
        return stdout;
    }

    /** One file of the module (relative path), every object in it parsed. */
    static List<HasMetadata> file(String relative) throws IOException {
        return parse(Files.readString(MODULE.resolve(relative)));
    }

    /** Every object of a multi-document YAML stream. */
    static List<HasMetadata> parse(String yaml) {
        Object parsed = SERIALIZATION.unmarshal(yaml);
        if (parsed instanceof KubernetesList list) {
            return list.getItems();
        }
        if (parsed instanceof List<?> list) {
            return list.stream().map(HasMetadata.class::cast).toList();
        }
        return List.of((HasMetadata) parsed);
    }

    static <T extends HasMetadata> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static List<GenericKubernetesResource> ofKind(List<HasMetadata> objects, String kind) {
        return objects.stream().filter(o -> o.getKind().equals(kind)).map(GenericKubernetesResource.class::cast).toList();
    }

    static <T extends HasMetadata> T named(List<T> objects, String name) {
        return objects.stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no object named " + name + " among " + objects.stream()
                        .map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList()));
    }

    /** A field of a generic resource by path, e.g. {@code spec, replicas}. */
    @SuppressWarnings("unchecked")
    static <T> T field(GenericKubernetesResource resource, String... path) {
        Object node = resource.getAdditionalProperties();
        for (String key : path) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(key);
        }
        return (T) node;
    }

    /** A YAML list of scalars as strings. */
    static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(String::valueOf).toList();
    }

    private static Optional<Path> kubectl() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A Deployment's or DaemonSet's pod template, by its object's name. */
    record Workload(String name, PodTemplateSpec template) {
        static Workload of(Deployment d) {
            return new Workload(d.getMetadata().getName(), d.getSpec().getTemplate());
        }

        static Workload of(DaemonSet d) {
            return new Workload(d.getMetadata().getName(), d.getSpec().getTemplate());
        }

        PodSpec pod() {
            return template.getSpec();
        }

        Container container() {
            return template.getSpec().getContainers().get(0);
        }
    }

    /** The Deployment or DaemonSet named {@code name}. */
    static Workload workload(List<HasMetadata> objects, String name) {
        return Stream.concat(ofType(objects, Deployment.class).stream().map(Workload::of),
                        ofType(objects, DaemonSet.class).stream().map(Workload::of))
                .filter(w -> w.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment or DaemonSet named " + name));
    }
}
