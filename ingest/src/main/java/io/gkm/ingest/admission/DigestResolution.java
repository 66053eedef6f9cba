package io.gkm.ingest.admission;

import java.util.Objects;

/** What the registry said about an image's digest (verification disabled). */
public sealed interface DigestResolution {
    /** The registry resolved the image to this digest. */
    record Resolved(String digest) implements DigestResolution {
        public Resolved {
            Objects.requireNonNull(digest, "digest");
        }
    }

    /** The registry could not be asked or did not know the image. */
    record Failed(String cause) implements DigestResolution {
        public Failed {
            Objects.requireNonNull(cause, "cause");
        }
    }
}
