package io.gkm.verifier.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Loads Kyverno {@code ClusterPolicy} YAML: a file (several documents allowed), a directory, or
 * a kustomization.
 *
 * <ul>
 *   <li>A directory with a {@code kustomization.yaml} (or {@code .yml}, or {@code Kustomization})
 *       is that kustomization, as for {@code kubectl apply -k}; without one, its {@code *.yaml}
 *       and {@code *.yml} files in name order (not recursive).</li>
 *   <li>A {@code Kustomization} document loads its {@code resources} (files or directories,
 *       relative to it); any other kustomization field would change the policies and fails.</li>
 *   <li>Every other document must be a supported {@code ClusterPolicy}; empty documents are
 *       skipped; two policies with one name fail, as they cannot both exist in a cluster.</li>
 * </ul>
 *
 * <p>Reads files, nothing else.
 */
public final class PolicyLoader {

    /** Larger files are refused: a policy is a few kilobytes. */
    static final long MAX_FILE_BYTES = 1024 * 1024;

    private static final List<String> KUSTOMIZATION_FILES =
            List.of("kustomization.yaml", "kustomization.yml", "Kustomization");
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION) // a repeated key would silently win
            .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL) // "key:" and an empty document are null, as in YAML
            .build());

    private static final Pattern SNAKEYAML_MARK = Pattern.compile(" in '[^']*', line (\\d+), column (\\d+):");

    private final Map<String, ClusterPolicy> policies = new LinkedHashMap<>();
    private final Set<Path> kustomizations = new HashSet<>();

    private PolicyLoader() {}

    /** The policies under {@code paths} (files or directories), in load order. */
    public static List<ClusterPolicy> load(List<Path> paths) throws PolicyLoadException {
        PolicyLoader loader = new PolicyLoader();
        for (Path path : paths) {
            loader.path(path);
        }
        return List.copyOf(loader.policies.values());
    }

    /** The policies in {@code path}, a file or a directory. */
    public static List<ClusterPolicy> load(Path path) throws PolicyLoadException {
        return load(List.of(path));
    }

    /**
     * The policies in YAML text (e.g. read from a cluster); kustomizations are not allowed here.
     *
     * @param sourceName how errors and verdicts name the text
     */
    public static List<ClusterPolicy> parse(String yaml, String sourceName) throws PolicyLoadException {
        PolicyLoader loader = new PolicyLoader();
        loader.documents(yaml, sourceName, null);
        return List.copyOf(loader.policies.values());
    }

    private void path(Path path) throws PolicyLoadException {
        if (Files.isDirectory(path)) {
            directory(path);
        } else {
            file(path);
        }
    }

    private void directory(Path dir) throws PolicyLoadException {
        List<Path> kustomizationFiles =
                KUSTOMIZATION_FILES.stream().map(dir::resolve).filter(Files::isRegularFile).toList();
        if (kustomizationFiles.size() > 1) {
            throw new PolicyLoadException(dir.toString(), "", "several kustomization files " + kustomizationFiles
                    + ": keep one");
        }
        if (kustomizationFiles.size() == 1) {
            file(kustomizationFiles.get(0));
            return;
        }
        List<Path> files;
        try (Stream<Path> entries = Files.list(dir)) {
            files = entries.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new PolicyLoadException(dir.toString(), "", "cannot list directory: " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new PolicyLoadException(dir.toString(), "", "no kustomization and no *.yaml or *.yml files");
        }
        for (Path file : files) {
            file(file);
        }
    }

    private void file(Path file) throws PolicyLoadException {
        String location = file.toString();
        String yaml;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new PolicyLoadException(location, "", "larger than " + MAX_FILE_BYTES + " bytes");
            }
            yaml = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new PolicyLoadException(location, "", "no such file or directory", e);
        } catch (MalformedInputException e) {
            throw new PolicyLoadException(location, "", "not UTF-8 text", e);
        } catch (IOException e) {
            throw new PolicyLoadException(location, "", "cannot read: " + e.getMessage(), e);
        }
        documents(yaml, location, file);
    }

    /** @param file the file the YAML came from, for kustomization resources; null for text */
    private void documents(String yaml, String location, Path file) throws PolicyLoadException {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNextValue()) {
                documents.add(it.nextValue());
            }
        } catch (IOException | RuntimeJsonMappingException e) {
            throw new PolicyLoadException(location, "", "malformed YAML: " + describe(e), e);
        }
        for (int i = 0; i < documents.size(); i++) {
            PolicySource source = new PolicySource(location, i + 1);
            PolicyNode root = PolicyNode.root(documents.get(i), source.toString());
            if (!root.present()) {
                continue;
            }
            if (root.object().get("kind").present() && "Kustomization".equals(root.requiredText("kind"))) {
                if (file == null) {
                    throw root.get("kind").error("a kustomization needs a file to resolve its resources against");
                }
                kustomization(root, file);
            } else {
                add(ClusterPolicyParser.parse(root, source));
            }
        }
    }

    private void kustomization(PolicyNode root, Path file) throws PolicyLoadException {
        root.checkFields(Set.of("apiVersion", "kind", "metadata", "resources"));
        String apiVersion = root.requiredText("apiVersion");
        if (!apiVersion.startsWith("kustomize.config.k8s.io/")) {
            throw root.get("apiVersion").error(apiVersion + " is not a kustomize API version");
        }
        if (!kustomizations.add(file.toAbsolutePath().normalize())) {
            throw root.error("kustomization reached twice (a cycle, or listed twice)");
        }
        List<PolicyNode> resources = root.list("resources");
        if (resources.isEmpty()) {
            throw root.get("resources").error("at least one resource is required");
        }
        Path base = file.getParent() == null ? Path.of("") : file.getParent();
        for (PolicyNode resource : resources) {
            String entry = resource.text();
            if (entry.contains("://") || entry.startsWith("git@") || entry.startsWith("github.com/")) {
                throw resource.error("remote resource \"" + entry
                        + "\" not supported: list local files or directories");
            }
            Path target = base.resolve(entry);
            if (!Files.exists(target)) {
                throw resource.error("\"" + entry + "\" does not exist (resolved to " + target + ")");
            }
            path(target);
        }
    }

    private void add(ClusterPolicy policy) throws PolicyLoadException {
        ClusterPolicy earlier = policies.putIfAbsent(policy.name(), policy);
        if (earlier != null) {
            throw new PolicyLoadException(policy.source().toString(), "metadata.name", "policy \"" + policy.name()
                    + "\" is also defined in " + earlier.source());
        }
    }

    /**
     * One line from a parser error. SnakeYAML's messages interleave what went wrong with indented
     * location and snippet lines: keep the former, and the last location (the problem's).
     */
    private static String describe(Exception e) {
        Throwable cause = e instanceof RuntimeJsonMappingException && e.getCause() != null ? e.getCause() : e;
        if (!(cause instanceof JsonProcessingException json)) {
            return String.valueOf(cause.getMessage());
        }
        String message = json.getOriginalMessage();
        String what = String.join(": ",
                message.lines().filter(line -> !line.isBlank() && !line.startsWith(" ")).toList());
        String where = null;
        for (Matcher m = SNAKEYAML_MARK.matcher(message); m.find(); ) {
            where = "line " + m.group(1) + ", column " + m.group(2);
        }
        if (where == null && json.getLocation() != null) {
            where = "line " + json.getLocation().getLineNr() + ", column " + json.getLocation().getColumnNr();
        }
        return what + (where == null ? "" : " (" + where + ")");
    }
}
