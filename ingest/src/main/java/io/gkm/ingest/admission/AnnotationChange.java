package io.gkm.ingest.admission;

import java.util.Objects;

/**
 * A change the mutating webhook makes to one annotation.
 *
 * @param annotation the annotation key
 * @param newValue the value to set; null removes the annotation
 */
public record AnnotationChange(String annotation, String newValue) implements ObjectChange {
    public AnnotationChange {
        Objects.requireNonNull(annotation, "annotation");
        if (newValue != null && newValue.isEmpty()) {
            throw new IllegalArgumentException("an annotation change never writes an empty value: remove "
                    + annotation + " instead");
        }
    }

    public static AnnotationChange set(String annotation, String value) {
        return new AnnotationChange(annotation, Objects.requireNonNull(value, "value"));
    }

    public static AnnotationChange remove(String annotation) {
        return new AnnotationChange(annotation, null);
    }

    public boolean removes() {
        return newValue == null;
    }
}
