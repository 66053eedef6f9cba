package io.gkm.ingest.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/** What a GKMCache or ClusterGKMCache asks for: one kernel cache image. */
public class GKMCacheSpec {
    @Required
    @Size(max = 525)
    @Pattern("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}")
    @JsonPropertyDescription("OCI image holding the GPU kernel cache; Kyverno pins it to a digest.")
    private String image;

    public GKMCacheSpec() {
    }

    public GKMCacheSpec(String image) {
        this.image = image;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GKMCacheSpec other && Objects.equals(image, other.image);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(image);
    }

    @Override
    public String toString() {
        return "GKMCacheSpec[image=" + image + "]";
    }
}
