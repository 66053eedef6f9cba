package io.gkm.cli.demo;

import io.gkm.schemas.ResourceKey;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The resources the demo creates, shaped like GKM's examples ({@code examples/namespace/11-gkmcache.yaml},
 * {@code 12-gkmcache-cosign-v3.yaml}, {@code examples/cluster/11-clustergkmcache.yaml}), naming the
 * demo's own images, plus one GKMCache whose image a stranger signed, which admission must refuse.
 */
final class DemoResources {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String API_VERSION = "gkm.io/v1alpha1";
    static final String SIGNATURE_FORMAT_LABEL = "gkm.io/signature-format";

    /**
     * One resource to create.
     *
     * @param admitted whether admission must let it in (else it must be refused)
     */
    record DemoResource(ObjectNode object, boolean admitted, String expectation) {
        String kind() {
            return object.path("kind").asString();
        }

        String name() {
            return object.path("metadata").path("name").asString();
        }

        /** Empty for a ClusterGKMCache. */
        String namespace() {
            return object.path("metadata").path("namespace").asString("");
        }

        ResourceKey key(String cluster) {
            return namespace().isEmpty() ? ResourceKey.clusterScoped(cluster, kind(), name())
                    : ResourceKey.namespaced(cluster, namespace(), kind(), name());
        }

        String title() {
            return kind() + " " + (namespace().isEmpty() ? "" : namespace() + "/") + name();
        }
    }

    private DemoResources() {
    }

    static List<DemoResource> of(SampleImages images) {
        return List.of(
                new DemoResource(cache("GKMCache", "gkm-test-ns-scoped-1", "vector-add-cache-rocm-1", "cosign-v2",
                        images.vectorAdd().byTag()), true, "signed in cosign v2 format by the CI identity the v2 policy trusts"),
                new DemoResource(cache("GKMCache", "gkm-test-ns-scoped-1", "vllm-flash-attention-1", "cosign-v3",
                        images.flashAttention().byTag()), true,
                        "signed in cosign v3 (bundle) format by the release identity the v3 policy trusts"),
                new DemoResource(cache("ClusterGKMCache", null, "vector-add-cache-rocm", null,
                        images.vectorAdd().byTag()), true,
                        "cluster-scoped, which Kyverno never verifies; the webhook verifies it with the cluster policy"),
                new DemoResource(cache("GKMCache", "gkm-test-ns-scoped-2", "untrusted-cache-rocm", "cosign-v2",
                        images.untrusted().byTag()), false,
                        "validly signed, but by an identity no policy trusts: must be refused"));
    }

    private static ObjectNode cache(String kind, String namespace, String name, String signatureFormat, String image) {
        ObjectNode object = JSON.createObjectNode().put("apiVersion", API_VERSION).put("kind", kind);
        ObjectNode metadata = object.putObject("metadata").put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        if (signatureFormat != null) {
            metadata.putObject("labels").put(SIGNATURE_FORMAT_LABEL, signatureFormat);
        }
        object.putObject("spec").put("image", image);
        return object;
    }
}
