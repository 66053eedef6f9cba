package io.gkm.verifier.oci;

import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;

/**
 * An MCV cache image built in memory by {@link McvImageBuilder}: an OCI image manifest, its config
 * and its one gzip tar layer.
 */
public record McvImage(byte[] manifest, byte[] config, byte[] layer, McvLabels labels) {

    public McvImage {
        manifest = manifest.clone();
        config = config.clone();
        layer = layer.clone();
    }

    @Override
    public byte[] manifest() {
        return manifest.clone();
    }

    @Override
    public byte[] config() {
        return config.clone();
    }

    @Override
    public byte[] layer() {
        return layer.clone();
    }

    /** The manifest digest: what a pull by digest, and a signature, name. */
    public Digest digest() {
        return Digest.sha256(manifest);
    }

    /** Pushes config, layer and manifest to {@code target} (which needs a tag). */
    public PushedImage push(RegistryClient client, ImageReference target) {
        String tag = target.tag().orElseThrow(() -> new IllegalArgumentException(
                "push target " + target + " needs a tag"));
        client.pushBlob(target, config);
        client.pushBlob(target, layer);
        Digest digest = client.pushManifest(target, MediaTypes.OCI_MANIFEST, manifest);
        return new PushedImage(target.registry(), target.repository(), tag, digest);
    }
}
