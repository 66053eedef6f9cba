package io.gkm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.config.Settings;
import io.gkm.core.image.ImageReference;
import io.gkm.core.image.InvalidImageReferenceException;
import io.gkm.schemas.event.CacheTarget;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.verifier.VerificationRequest;
import io.gkm.verifier.Verifier;
import io.gkm.verifier.VerifierSettings;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.oci.RegistrySettings;
import io.gkm.verifier.policy.ClusterPolicy;
import io.gkm.verifier.policy.PolicyLoadException;
import io.gkm.verifier.policy.PolicyLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Verifies an image's signatures with Kyverno's policies, as cosign verify would.",
        description = {
            "Verifies IMAGE as if a GKMCache (or ClusterGKMCache) named it in spec.image: applies the Kyverno "
                    + "ClusterPolicies that select such a resource, checks the image's signatures in the format "
                    + "each rule asks for (cosign v2 .sig tag, or cosign v3 Sigstore bundle referrer), and prints the "
                    + "verdict with its reasons. Like 'cosign verify', but with Kyverno's policies.",
            "An image pinned as repo:tag@sha256:... gets the digest double-check: the tag must still resolve "
                    + "to the pinned digest.",
            "Keyless signatures need a Sigstore trust root: --trusted-root (GKM_TRUSTED_ROOT) for air-gapped use, "
                    + "else the public-good root is fetched through TUF."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:VERIFIED",
            "1:REJECTED (a check failed; the reasons say which)",
            "2:ERROR: bad arguments or configuration, unreachable registry, no trust root"},
        footerHeading = "%nExamples:%n",
        footer = {
            "  # GKM's policies: deploy/kyverno/policies names them by URL, so render them first",
            "  kubectl kustomize deploy/kyverno/policies > policies.yaml",
            "  gkm verify quay.io/gkm/cache-examples:vector-add-cache-rocm \\",
            "      --label gkm.io/signature-format=cosign-v2 \\",
            "      --policies policies.yaml --trusted-root trusted_root.json",
            "  gkm verify 127.0.0.1:5000/gkm/cache:rocm --kind ClusterGKMCache \\",
            "      --policies policies/ --output json"})
final class VerifyCommand extends ConfiguredCommand implements Callable<Integer> {
    static final int VERIFIED = 0;
    static final int REJECTED = 1;
    static final int ERROR = 2;

    /** The kinds a verification can pretend the image is named by. */
    enum Kind { GKMCache, ClusterGKMCache }

    /** Output formats. */
    enum Output { text, json }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Parameters(index = "0", paramLabel = "IMAGE",
            description = "The image as spec.image would name it: registry/repository:tag, or pinned "
                    + "registry/repository[:tag]@sha256:<hex>.")
    String image;

    @Option(names = "--kind", paramLabel = "KIND", defaultValue = "GKMCache",
            description = "Kind of the resource that names the image: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Kind kind;

    @Option(names = "--namespace", paramLabel = "NS",
            description = "Namespace of a GKMCache (default: default); a ClusterGKMCache has none.")
    String namespace;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "gkm-verify",
            description = "metadata.name of the resource (default: ${DEFAULT-VALUE}); matters to policies that match names.")
    String name;

    @Option(names = "--label", paramLabel = "KEY=VALUE",
            description = "A label of the resource (repeatable), e.g. gkm.io/signature-format=cosign-v3, which selects "
                    + "GKM's cosign v3 policy.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--policies", paramLabel = "PATH", required = true, arity = "1..*",
            description = "Kyverno ClusterPolicy YAML: files, folders (their *.yaml), or kustomizations (repeatable).")
    List<Path> policies;

    @Option(names = "--original-tag", paramLabel = "TAG",
            description = "For an image pinned without tag (repo@sha256:...): the tag it was named by, for the digest "
                    + "double-check.")
    String originalTag;

    @Option(names = "--insecure-registry", paramLabel = "HOST:PORT",
            description = "A registry reached over plain HTTP (repeatable); loopback registries always are. Adds to "
                    + "--insecure-registries / GKM_INSECURE_REGISTRIES.")
    List<String> insecureRegistries = new ArrayList<>();

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text, or json: the VerificationResult event as a JSON object with the schema's field names "
                    + "(times as ISO-8601, enums as names, absent values as null) (default: ${DEFAULT-VALUE}).")
    Output output;

    @Override
    List<Setting<?>> settings() {
        return Stream.of(VerifierSettings.all(), RegistrySettings.all(), List.<Setting<?>>of(Settings.CLUSTER))
                .flatMap(List::stream).toList();
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        GkmConfig config = config();
        VerificationRequest request;
        List<ClusterPolicy> loaded;
        List<String> insecure;
        try {
            request = request(config.get(Settings.CLUSTER));
            loaded = PolicyLoader.load(policies);
            insecure = insecureRegistries(config);
        } catch (IllegalArgumentException | PolicyLoadException e) {
            err.println("gkm verify: " + e.getMessage());
            err.flush();
            return ERROR;
        }
        Verifier verifier = Verifier.builder()
                .policies(loaded)
                .registry(RegistryClient.builder().configure(config).insecureRegistries(insecure).build())
                .configure(config)
                .build();
        VerificationResult result = verifier.verify(request);
        out.print(output == Output.json ? json(result) : text(result));
        out.flush();
        return switch (result.getVerdict()) {
            case VERIFIED -> VERIFIED;
            case REJECTED -> REJECTED;
            case ERROR -> ERROR;
        };
    }

    /** @throws IllegalArgumentException for an image that is no reference, or a namespace on a cluster-scoped kind */
    private VerificationRequest request(String cluster) {
        try {
            ImageReference.parse(image);
        } catch (InvalidImageReferenceException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (kind == Kind.ClusterGKMCache && namespace != null) {
            throw new IllegalArgumentException("a ClusterGKMCache is cluster-scoped: drop --namespace " + namespace);
        }
        String ns = kind == Kind.ClusterGKMCache ? null : namespace == null ? "default" : namespace;
        VerificationRequest request = VerificationRequest.of(cluster, kind.name(), ns, name, labels, image);
        return originalTag == null ? request : request.withOriginalTag(originalTag);
    }

    /** GKM_INSECURE_REGISTRIES (or --insecure-registries) and the --insecure-registry entries, checked alike. */
    private List<String> insecureRegistries(GkmConfig config) {
        List<String> all = new ArrayList<>(config.find(RegistrySettings.INSECURE_REGISTRIES).orElse(List.of()));
        if (!insecureRegistries.isEmpty()) {
            try {
                all.addAll(RegistrySettings.INSECURE_REGISTRIES.type().parse(String.join(",", insecureRegistries)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--insecure-registry: expected " + e.getMessage() + ", got "
                        + insecureRegistries, e);
            }
        }
        return all;
    }

    static String text(VerificationResult result) {
        StringBuilder text = new StringBuilder();
        text.append(result.getVerdict()).append(' ').append(result.getImage()).append('\n');
        line(text, "resource", result.getResourceKey());
        line(text, "digest", result.getImageDigest());
        if (!result.getPolicyName().isEmpty()) {
            line(text, "policy", result.getPolicyName() + (result.getRuleName() == null ? ""
                    : ", rule " + result.getRuleName()) + " (" + result.getSignatureFormat() + ")");
        }
        if (result.getSignerSubject() != null || result.getSignerIssuer() != null) {
            line(text, "signer", result.getSignerSubject() + " (issuer " + result.getSignerIssuer() + ")");
        }
        if (result.getTlogIndex() != null) {
            line(text, "rekor", "log index " + result.getTlogIndex() + ", integrated " + result.getIntegratedTime());
        }
        if (!result.getCacheTargets().isEmpty()) {
            line(text, "cache", result.getCacheTargets().stream().map(VerifyCommand::target)
                    .collect(Collectors.joining(", ")) + "; " + result.getCacheEntryCount() + " entries, "
                    + result.getCacheSizeBytes() + " bytes");
        }
        text.append("reasons:\n");
        result.getReasons().forEach(reason -> text.append("  - ").append(reason).append('\n'));
        text.append("timings (ms): ").append(result.getTimings().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "))).append('\n');
        return text.toString();
    }

    private static void line(StringBuilder text, String label, Object value) {
        if (value != null) {
            text.append(String.format("  %-9s %s%n", label + ":", value));
        }
    }

    private static String target(CacheTarget target) {
        return target.getBackend() + "/" + target.getArch() + "/warp " + target.getWarpSize();
    }

    /** The result as JSON: field by field from its Avro schema, so it follows the schema as it evolves. */
    static String json(VerificationResult result) {
        try {
            return JSON.writeValueAsString(plain(result)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps, lists, strings and numbers always serialise", e);
        }
    }

    private static Object plain(Object value) {
        if (value instanceof SpecificRecord record) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (Schema.Field field : record.getSchema().getFields()) {
                fields.put(field.name(), plain(record.get(field.pos())));
            }
            return fields;
        }
        if (value instanceof List<?> list) {
            List<Object> items = new ArrayList<>();
            list.forEach(item -> items.add(plain(item)));
            return items;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> entries = new LinkedHashMap<>();
            map.forEach((key, item) -> entries.put(key.toString(), plain(item)));
            return entries;
        }
        if (value instanceof Enum<?> || value instanceof Instant || value instanceof CharSequence) {
            return value.toString();
        }
        return value;
    }
}
