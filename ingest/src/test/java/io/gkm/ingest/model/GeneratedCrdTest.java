package io.gkm.ingest.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gkm.testkit.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CRDs that the fabric8 crd-generator writes from our model classes at build time mean the same
 * to the API server as GKM's own CRDs (fixtures/gkm/config/crd/bases): same names, scope, version,
 * status subresource, printer columns and OpenAPI schema.
 *
 * <p>"Mean the same" allows exactly these differences, each of which the API server treats alike
 * or which only concerns documentation:
 * <ul>
 *   <li>descriptions are ours, not GKM's text (documentation; we do not copy GKM's prose);
 *   <li>{@code apiVersion}, {@code kind} and {@code metadata} at the schema root are left out by the
 *       generator: the API server validates them for every resource itself, and GKM's CRD only
 *       declares them as untyped strings / {@code type: object};
 *   <li>{@code names.listKind} is left out by the generator; the API server defaults it to
 *       {@code <kind>List}, which is what GKM declares;
 *   <li>integers carry {@code format: int64} where GKM's have no format: Kubernetes stores every
 *       integer as int64 and GKM's fields are Go {@code int} (64 bits), so the allowed values are
 *       the same;
 *   <li>printer columns come sorted by JSON path: the generator's {@code SortPrinterColumnsDecorator}
 *       always sorts them and the Maven plugin offers no post-processing hook. The columns are the
 *       same; only {@code kubectl get}'s column order differs;
 *   <li>{@code priority: 0} is written out where GKM omits it (0 is the default); enum values come
 *       sorted, {@code required} lists in any order, and numbers as 0.0 vs 0 (sets and numbers
 *       compare by value).
 * </ul>
 */
class GeneratedCrdTest {
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    @Test
    void everyGkmCrdHasAGeneratedCounterpart() throws IOException {
        List<String> gkmPlurals;
        try (var files = Files.list(Fixtures.path("gkm/config/crd/bases"))) {
            gkmPlurals = files.map(p -> p.getFileName().toString())
                    .map(n -> n.substring((GkmApi.GROUP + "_").length(), n.length() - ".yaml".length()))
                    .sorted(Comparator.naturalOrder()).toList();
        }
        for (String plural : gkmPlurals) {
            assertThat(generated(plural).getSpec().getNames().getPlural()).isEqualTo(plural);
        }
        assertThat(gkmPlurals).containsExactlyInAnyOrder("gkmcaches", "clustergkmcaches", "gkmcachenodes",
                "clustergkmcachenodes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gkmcaches", "clustergkmcaches", "gkmcachenodes", "clustergkmcachenodes"})
    void generatedCrdHasGkmsNamesScopeAndVersion(String plural) throws IOException {
        CustomResourceDefinition ours = generated(plural);
        CustomResourceDefinition gkm = gkms(plural);

        assertThat(ours.getMetadata().getName()).isEqualTo(gkm.getMetadata().getName());
        assertThat(ours.getSpec().getGroup()).isEqualTo(gkm.getSpec().getGroup());
        assertThat(ours.getSpec().getScope()).isEqualTo(gkm.getSpec().getScope());
        assertThat(ours.getSpec().getNames().getKind()).isEqualTo(gkm.getSpec().getNames().getKind());
        assertThat(ours.getSpec().getNames().getPlural()).isEqualTo(gkm.getSpec().getNames().getPlural());
        assertThat(ours.getSpec().getNames().getSingular()).isEqualTo(gkm.getSpec().getNames().getSingular());
        assertThat(listKindAsServed(ours)).isEqualTo(listKindAsServed(gkm));
        assertThat(ours.getSpec().getNames().getShortNames()).isEqualTo(gkm.getSpec().getNames().getShortNames());
        assertThat(ours.getSpec().getVersions()).hasSameSizeAs(gkm.getSpec().getVersions()).hasSize(1);
        CustomResourceDefinitionVersion o = ours.getSpec().getVersions().get(0);
        CustomResourceDefinitionVersion g = gkm.getSpec().getVersions().get(0);
        assertThat(o.getName()).isEqualTo(g.getName()).isEqualTo(GkmApi.VERSION);
        assertThat(o.getServed()).isEqualTo(g.getServed()).isTrue();
        assertThat(o.getStorage()).isEqualTo(g.getStorage()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gkmcaches", "clustergkmcaches", "gkmcachenodes", "clustergkmcachenodes"})
    void generatedCrdHasGkmsStatusSubresourceAndNoOther(String plural) throws IOException {
        CustomResourceDefinitionVersion ours = generated(plural).getSpec().getVersions().get(0);
        CustomResourceDefinitionVersion gkm = gkms(plural).getSpec().getVersions().get(0);

        assertThat(ours.getSubresources().getStatus()).isNotNull();
        assertThat(gkm.getSubresources().getStatus()).isNotNull();
        assertThat(ours.getSubresources().getScale()).isEqualTo(gkm.getSubresources().getScale()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gkmcaches", "clustergkmcaches", "gkmcachenodes", "clustergkmcachenodes"})
    void generatedCrdHasGkmsPrinterColumns(String plural) throws IOException {
        List<String> ours = columns(generated(plural));
        List<String> gkm = columns(gkms(plural));

        assertThat(ours).isNotEmpty().containsExactlyInAnyOrderElementsOf(gkm);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gkmcaches", "clustergkmcaches", "gkmcachenodes", "clustergkmcachenodes"})
    void generatedCrdHasGkmsSchema(String plural) throws IOException {
        Object ours = schema(generated(plural));
        Object gkm = schema(gkms(plural));

        assertThat(normalised(ours, true)).isEqualTo(normalised(gkm, true));
    }

    @Test
    void schemaComparisonNoticesALostConstraint() throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> gkm = (Map<String, Object>) schema(gkms("gkmcaches"));
        @SuppressWarnings("unchecked")
        Map<String, Object> weakened = (Map<String, Object>) YAML.unmarshal(YAML.asYaml(gkm), Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> image = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                ((Map<String, Object>) weakened.get("properties")).get("spec")).get("properties")).get("image");
        image.remove("maxLength");

        assertThat(normalised(weakened, true)).isNotEqualTo(normalised(gkm, true));
    }

    private static CustomResourceDefinition generated(String plural) throws IOException {
        String resource = "/META-INF/fabric8/" + plural + "." + GkmApi.GROUP + "-v1.yml";
        try (InputStream in = GeneratedCrdTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("CRD generated by crd-generator-maven-plugin: " + resource).isNotNull();
            return YAML.unmarshal(in, CustomResourceDefinition.class);
        }
    }

    private static CustomResourceDefinition gkms(String plural) throws IOException {
        try (InputStream in = Files.newInputStream(
                Fixtures.path("gkm/config/crd/bases/" + GkmApi.GROUP + "_" + plural + ".yaml"))) {
            return YAML.unmarshal(in, CustomResourceDefinition.class);
        }
    }

    private static String listKindAsServed(CustomResourceDefinition crd) {
        String listKind = crd.getSpec().getNames().getListKind();
        return listKind != null ? listKind : crd.getSpec().getNames().getKind() + "List";
    }

    private static List<String> columns(CustomResourceDefinition crd) {
        List<String> columns = new ArrayList<>();
        for (CustomResourceColumnDefinition c : crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns()) {
            columns.add(c.getName() + " | " + c.getType() + " | " + c.getJsonPath() + " | priority "
                    + Objects.requireNonNullElse(c.getPriority(), 0) + " | format " + c.getFormat());
        }
        return columns;
    }

    private static Object schema(CustomResourceDefinition crd) {
        return YAML.convertValue(crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema(), Map.class);
    }

    /**
     * The schema as the API server reads it: no descriptions, root without apiVersion / kind /
     * metadata, int64 integers as plain integers, enums and required lists as sets, numbers by
     * value.
     */
    @SuppressWarnings("unchecked")
    private static Object normalised(Object node, boolean root) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> out = new TreeMap<>();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
                String key = e.getKey();
                Object value = e.getValue();
                if (key.equals("description") && value instanceof String) {
                    continue;
                }
                if (key.equals("format") && "int64".equals(value) && "integer".equals(map.get("type"))) {
                    continue;
                }
                if ((key.equals("enum") || key.equals("required")) && value instanceof List<?> list) {
                    out.put(key, list.stream().map(v -> normalised(v, false))
                            .map(String::valueOf).collect(Collectors.toCollection(TreeSet::new)));
                    continue;
                }
                if (root && key.equals("properties")) {
                    Map<String, Object> properties = new TreeMap<>((Map<String, Object>) value);
                    properties.keySet().removeAll(Set.of("apiVersion", "kind", "metadata"));
                    out.put(key, normalised(properties, false));
                    continue;
                }
                out.put(key, normalised(value, false));
            }
            return out;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(v -> normalised(v, false)).toList();
        }
        if (node instanceof Number n) {
            return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
        }
        return node;
    }
}
