package io.gkm.cli.demo;

import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.verifier.oci.McvImage;
import io.gkm.verifier.oci.McvImageBuilder;
import io.gkm.verifier.oci.McvLabels;
import io.gkm.verifier.oci.PushedImage;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.sandbox.SandboxSigstore;
import io.gkm.verifier.sandbox.SignatureFormat;
import io.gkm.verifier.sandbox.Signing;
import io.gkm.verifier.sandbox.SigningIdentity;
import java.util.List;

/**
 * The demo's MCV-format Triton kernel caches, built on the spot for GKM's real ROCm target
 * (hip, gfx90a, warp size 64), pushed to the demo's registry and signed keyless by its sandbox
 * Sigstore: GKM's vector-add example in cosign v2 format, a flash-attention cache in cosign v3
 * format, and the vector-add cache again in a repository of its own, signed by an identity no
 * policy trusts.
 */
public record SampleImages(Sample vectorAdd, Sample flashAttention, Sample untrusted) {
    /** GKM's ROCm example target, the one the compatible simulated node has. */
    public static final McvLabels.Target ROCM_TARGET = new McvLabels.Target("hip", "gfx90a", 64);

    /** One pushed and signed image. */
    public record Sample(PushedImage image, SignatureFormat format, SigningIdentity signer, McvImage content) {
        /** {@code registry/repository:tag}, as a GKMCache names it before admission pins the digest. */
        public String byTag() {
            return image.byTag().toString();
        }

        public Digest digest() {
            return image.digest();
        }

        String describe() {
            return byTag() + "@" + digest().toString().substring(0, 19) + "... (" + content.layer().length
                    + " B layer, " + content.labels().entryCount() + " kernels), " + (format == SignatureFormat.COSIGN_V2
                    ? "cosign v2 .sig" : "cosign v3 bundle") + " by " + signer.subject();
        }
    }

    /** Builds, pushes to {@code registry} ({@code host:port}) and signs the three samples. */
    public static SampleImages pushAndSign(String registry, RegistryClient client, SandboxSigstore sigstore) {
        McvImage vectorAdd = McvImageBuilder.create().kernel("add_kernel", ROCM_TARGET).build();
        McvImage flashAttention = McvImageBuilder.create().kernel("flash_attn_fwd", ROCM_TARGET)
                .kernel("flash_attn_bwd", ROCM_TARGET).build();
        return new SampleImages(
                push(registry, "gkm/cache-examples", "vector-add-cache-rocm", vectorAdd, SignatureFormat.COSIGN_V2,
                        DemoSigners.CI, client, sigstore),
                push(registry, "gkm/vllm-flash-attention", "rocm", flashAttention, SignatureFormat.SIGSTORE_BUNDLE,
                        DemoSigners.RELEASE, client, sigstore),
                push(registry, "elsewhere/cache-examples", "vector-add-cache-rocm", vectorAdd,
                        SignatureFormat.COSIGN_V2, DemoSigners.STRANGER, client, sigstore));
    }

    private static Sample push(String registry, String repository, String tag, McvImage content,
            SignatureFormat format, SigningIdentity signer, RegistryClient client, SandboxSigstore sigstore) {
        PushedImage pushed = content.push(client, ImageReference.parse(registry + "/" + repository + ":" + tag));
        sigstore.imageSigner(client, registry).sign(format, repository, pushed.digest().toString(),
                Signing.keyless(signer));
        return new Sample(pushed, format, signer, content);
    }

    public List<Sample> all() {
        return List.of(vectorAdd, flashAttention, untrusted);
    }
}
