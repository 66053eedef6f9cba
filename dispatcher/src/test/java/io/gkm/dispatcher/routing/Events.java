package io.gkm.dispatcher.routing;

import io.gkm.schemas.event.CacheTarget;
import io.gkm.schemas.event.ChangeType;
import io.gkm.schemas.event.Gpu;
import io.gkm.schemas.event.NodeInventory;
import io.gkm.schemas.event.ResourceEvent;
import io.gkm.schemas.event.SignatureFormat;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import java.time.Instant;
import java.util.List;

/** Events as the other stages write them, for the dispatcher's tests. */
public final class Events {
    /** GKM's real MCV image summary: {"targets":[{"backend":"hip","arch":"gfx90a","warp_size":64}]}. */
    public static final CacheTarget ROCM_GFX90A = new CacheTarget("hip", "gfx90a", 64);
    /** A CUDA cache: arch 75 (Turing), warp 32. */
    public static final CacheTarget CUDA_75 = new CacheTarget("cuda", "75", 32);
    public static final String DIGEST = "sha256:" + "ab".repeat(32);
    public static final String OTHER_DIGEST = "sha256:" + "cd".repeat(32);

    private Events() {
    }

    public static Gpu gpu(String backend, String arch, int warpSize) {
        return Gpu.newBuilder().setBackend(backend).setArch(arch).setWarpSize(warpSize).setIds(List.of("0"))
                .setDriverVersion(null).build();
    }

    public static NodeInventory node(String cluster, String name, Gpu... gpus) {
        return NodeInventory.newBuilder().setCluster(cluster).setNode(name).setGpus(List.of(gpus))
                .setReportedAt(Instant.parse("2026-11-26T10:00:00Z")).build();
    }

    public static VerificationResult verdict(Verdict verdict, String key, String image, String digest,
            CacheTarget... targets) {
        return VerificationResult.newBuilder()
                .setVerdict(verdict)
                .setResourceKey(key)
                .setImage(image)
                .setImageDigest(digest)
                .setSignatureFormat(SignatureFormat.COSIGN_V3)
                .setPolicyName("gkm-cosign-v3")
                .setCacheTargets(List.of(targets))
                .setReasons(verdict == Verdict.VERIFIED ? List.of("signature verified")
                        : List.of("no signatures found for the image"))
                .setVerifiedAt(Instant.parse("2026-11-26T10:00:01Z"))
                .build();
    }

    public static VerificationResult verified(String key, String image, CacheTarget... targets) {
        return verdict(Verdict.VERIFIED, key, image, DIGEST, targets);
    }

    public static ResourceEvent deleted(String key, String namespace, String name) {
        return ResourceEvent.newBuilder()
                .setChangeType(ChangeType.DELETED)
                .setResourceKey(key)
                .setKind(namespace == null ? "ClusterGKMCache" : "GKMCache")
                .setNamespace(namespace)
                .setName(name)
                .setUid("uid-" + name)
                .setResourceVersion("7")
                .setGeneration(1)
                .setSpec("{\"image\":\"quay.io/gkm/vector-add-cache:rocm\"}")
                .setObservedAt(Instant.parse("2026-11-26T10:05:00Z"))
                .build();
    }
}
