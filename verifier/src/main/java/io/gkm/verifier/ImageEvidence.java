package io.gkm.verifier;

import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.verifier.cosign.SignatureLayer;
import io.gkm.verifier.policy.SignatureType;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the registry said about one image during one verification: its digest and the digest
 * double-check, its config labels, and its signatures per format, or the registry failure that
 * stopped the fetch. Plain data: the decision is made from it without further I/O.
 *
 * @param image the image as named in the resource
 * @param digest the digest and how it was established; empty when a failure came first
 * @param configLabels the image config's labels; empty for an index, or when not fetched
 * @param signatures the signatures found per format asked for
 * @param failure the registry failure that ended the fetch, if any
 */
record ImageEvidence(
        ImageReference image,
        Optional<DigestResolution> digest,
        Optional<Map<String, String>> configLabels,
        Map<SignatureType, SignatureSearch> signatures,
        Optional<RegistryFailure> failure) {

    ImageEvidence {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(configLabels, "configLabels");
        signatures = Map.copyOf(signatures);
        Objects.requireNonNull(failure, "failure");
    }

    /**
     * How the digest was established.
     *
     * @param pinned the digest written in the resource, if any
     * @param tag the tag resolved in the registry now (written beside the digest, the original tag,
     *            or the only name of the image); empty when there was no tag to resolve
     * @param tagDigest what the tag resolves to now; present exactly when {@code tag} is
     */
    record DigestResolution(Optional<Digest> pinned, Optional<String> tag, Optional<Digest> tagDigest) {

        DigestResolution {
            Objects.requireNonNull(pinned, "pinned");
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(tagDigest, "tagDigest");
            if (tag.isPresent() != tagDigest.isPresent() || (pinned.isEmpty() && tagDigest.isEmpty())) {
                throw new IllegalArgumentException("a digest is pinned, or a tag resolved, or both");
            }
        }

        /** The digest the resource names: the pinned one, else the tag's. */
        Digest digest() {
            return pinned.orElseGet(tagDigest::orElseThrow);
        }

        /** True when the tag now names another image than the pinned digest. */
        boolean moved() {
            return pinned.isPresent() && tagDigest.isPresent() && !pinned.equals(tagDigest);
        }
    }

    /**
     * The signatures of one format.
     *
     * @param type the format
     * @param location where they were looked for, e.g. {@code tag sha256-<hex>.sig}
     * @param signatures what was found there, each readable or not
     * @param otherFormat the other format, when nothing was found here but the image has signatures
     *                    in it (looked up only then)
     */
    record SignatureSearch(SignatureType type, String location, List<FetchedSignature> signatures,
            Optional<SignatureType> otherFormat) {

        SignatureSearch {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(location, "location");
            signatures = List.copyOf(signatures);
            Objects.requireNonNull(otherFormat, "otherFormat");
        }
    }

    /** One signature as fetched: a cosign v2 layer, a Sigstore bundle, or what could not be read. */
    sealed interface FetchedSignature {
        /** The signature's content digest (layer or referrer), how reasons name it. */
        String id();

        record CosignLayer(String id, SignatureLayer layer) implements FetchedSignature {
        }

        record Bundle(String id, byte[] json) implements FetchedSignature {
            public Bundle {
                json = json.clone();
            }

            @Override
            public byte[] json() {
                return json.clone();
            }
        }

        record Unreadable(String id, String problem) implements FetchedSignature {
        }
    }

    /**
     * A registry failure.
     *
     * @param retriable true for an unreachable or overloaded registry (a later try may succeed);
     *                  false for an answer that will not change (not found, denied, too large)
     * @param message what failed, from the registry client
     */
    record RegistryFailure(boolean retriable, String message) {
        RegistryFailure {
            Objects.requireNonNull(message, "message");
        }
    }
}
