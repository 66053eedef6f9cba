package io.gkm.verifier;

import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.verifier.ImageEvidence.DigestResolution;
import io.gkm.verifier.ImageEvidence.FetchedSignature;
import io.gkm.verifier.ImageEvidence.RegistryFailure;
import io.gkm.verifier.ImageEvidence.SignatureSearch;
import io.gkm.verifier.cosign.SignatureLayer;
import io.gkm.verifier.oci.ArtifactTypeFilter;
import io.gkm.verifier.oci.Descriptor;
import io.gkm.verifier.oci.Manifest;
import io.gkm.verifier.oci.MediaTypes;
import io.gkm.verifier.oci.Referrers;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.oci.RegistryException;
import io.gkm.verifier.oci.RegistryLimit;
import io.gkm.verifier.oci.RegistryUnavailableException;
import io.gkm.verifier.policy.SignatureType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Fetches the {@link ImageEvidence} of one image: the registry edge of the {@link Verifier}.
 *
 * <p>Requests for a cold image (after the registry's auth handshake): the manifest, by tag when
 * there is one (that GET is also the digest double-check: its digest is compared with the pinned
 * one), else by digest; the config blob (labels); per format, cosign v2: the {@code .sig}
 * manifest and one blob per signature layer; Sigstore bundles: the referrers list (plus one
 * Referrers API probe the first time a registry has none), then per bundle its referrer manifest
 * and the bundle blob. When a format has no signatures, one lookup of the other format finds out
 * whether the image was signed the other way.
 */
final class EvidenceCollector {
    private static final ArtifactTypeFilter BUNDLES = ArtifactTypeFilter.startingWith(MediaTypes.SIGSTORE_BUNDLE_PREFIX);

    private final RegistryClient registry;

    EvidenceCollector(RegistryClient registry) {
        this.registry = registry;
    }

    ImageEvidence collect(ImageReference image, Optional<String> originalTag, Set<SignatureType> types,
            PhaseTimer timer) {
        Optional<Digest> pinned = image.digest();
        Optional<String> tag = image.tag().or(() -> originalTag);
        DigestResolution resolution = null;
        Map<String, String> labels = null;
        Map<SignatureType, SignatureSearch> signatures = new EnumMap<>(SignatureType.class);
        try {
            Manifest manifest = timer.time("resolve", () -> registry.fetchManifest(
                    tag.map(image::withTag).orElseGet(() -> image.withDigest(pinned.orElseThrow()))));
            resolution = new DigestResolution(pinned, tag, tag.map(t -> manifest.digest()));
            if (!resolution.moved()) {
                ImageReference repository = image.withDigest(resolution.digest());
                if (!manifest.isIndex()) {
                    labels = timer.time("config", () -> registry.fetchImageConfig(repository, manifest).labels());
                }
                for (SignatureType type : types) {
                    signatures.put(type, timer.time("signatures", () -> search(type, repository)));
                }
            }
            return evidence(image, resolution, labels, signatures, null);
        } catch (RegistryUnavailableException e) {
            return evidence(image, resolution, labels, signatures, new RegistryFailure(true, e.getMessage()));
        } catch (RegistryException e) {
            return evidence(image, resolution, labels, signatures, new RegistryFailure(false, e.getMessage()));
        }
    }

    private static ImageEvidence evidence(ImageReference image, DigestResolution resolution, Map<String, String> labels,
            Map<SignatureType, SignatureSearch> signatures, RegistryFailure failure) {
        return new ImageEvidence(image, Optional.ofNullable(resolution), Optional.ofNullable(labels), signatures,
                Optional.ofNullable(failure));
    }

    /** @param image the repository at the image digest */
    private SignatureSearch search(SignatureType type, ImageReference image) {
        Digest digest = image.digest().orElseThrow();
        return switch (type) {
            case COSIGN -> {
                Optional<Manifest> manifest = registry.signatureManifest(image, digest);
                List<FetchedSignature> found = new ArrayList<>();
                manifest.ifPresent(m -> m.layers().forEach(layer -> found.add(cosignLayer(image, layer))));
                Optional<SignatureType> other = found.isEmpty() && hasBundles(image, digest)
                        ? Optional.of(SignatureType.SIGSTORE_BUNDLE) : Optional.empty();
                yield new SignatureSearch(type, "tag " + digest.signatureTag(), found, other);
            }
            case SIGSTORE_BUNDLE -> {
                Referrers referrers = registry.referrers(image, digest, BUNDLES);
                List<FetchedSignature> found = new ArrayList<>();
                referrers.descriptors().forEach(referrer -> found.add(bundle(image, digest, referrer)));
                Optional<SignatureType> other = found.isEmpty() && hasCosignSignatures(image, digest)
                        ? Optional.of(SignatureType.COSIGN) : Optional.empty();
                String location = referrers.source() == Referrers.Source.REFERRERS_API
                        ? "the Referrers API for " + digest : "the referrers tag " + digest.referrersTag();
                yield new SignatureSearch(type, location, found, other);
            }
        };
    }

    private FetchedSignature cosignLayer(ImageReference image, Descriptor layer) {
        try {
            byte[] payload = registry.fetchBlob(image, layer, RegistryLimit.SIGNATURE_LAYER_BYTES);
            return new FetchedSignature.CosignLayer(layer.digest().toString(),
                    new SignatureLayer(layer.mediaType(), payload, layer.annotations()));
        } catch (RegistryException e) {
            return new FetchedSignature.Unreadable(layer.digest().toString(), e.getMessage());
        }
    }

    private FetchedSignature bundle(ImageReference image, Digest subject, Descriptor referrer) {
        String id = referrer.digest().toString();
        try {
            Manifest manifest = registry.fetchReferrer(image, subject, referrer);
            Optional<Descriptor> layer = manifest.layers().stream()
                    .filter(l -> l.mediaType().startsWith(MediaTypes.SIGSTORE_BUNDLE_PREFIX)).findFirst();
            if (layer.isEmpty()) {
                return new FetchedSignature.Unreadable(id, "referrer has no layer of media type "
                        + MediaTypes.SIGSTORE_BUNDLE_PREFIX + "*");
            }
            return new FetchedSignature.Bundle(id, registry.fetchBlob(image, layer.get(), RegistryLimit.BUNDLE_BYTES));
        } catch (RegistryException e) {
            return new FetchedSignature.Unreadable(id, e.getMessage());
        }
    }

    private boolean hasBundles(ImageReference image, Digest digest) {
        return !registry.referrers(image, digest, BUNDLES).descriptors().isEmpty();
    }

    private boolean hasCosignSignatures(ImageReference image, Digest digest) {
        return registry.signatureManifest(image, digest).filter(m -> !m.layers().isEmpty()).isPresent();
    }
}
