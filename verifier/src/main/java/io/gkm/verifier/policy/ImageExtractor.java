package io.gkm.verifier.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code imageExtractors.<Kind>[]} entry: where a resource of that kind names images
 * (Kyverno's {@code pkg/utils/api/image.go}).
 *
 * <p>{@code path} is split at {@code /}; each segment names an object field, and {@code *}
 * walks every element of a list or every value of an object. Without {@code value}, the last
 * segment is the field holding the image. {@code key}, when set, names a string field beside the
 * image that identifies it; else the image's JSON pointer does. A missing or blank image field
 * is no image.
 *
 * @param name {@code name}; {@code custom} when not set
 * @param path {@code path} as written
 * @param fields the segments to walk, without the image field
 * @param value the field holding the image
 * @param key {@code key}, when set
 */
public record ImageExtractor(String name, String path, List<String> fields, String value, Optional<String> key) {

    private static final String DEFAULT_NAME = "custom";

    /** GKM's kinds name their image at {@code /spec/image}. */
    private static final Map<String, List<ImageExtractor>> DEFAULTS = Map.of(
            "GKMCache", List.of(ImageExtractor.of("/spec/image", null, null, null)),
            "ClusterGKMCache", List.of(ImageExtractor.of("/spec/image", null, null, null)));

    public ImageExtractor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        fields = List.copyOf(fields);
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(key, "key");
    }

    /**
     * From the policy fields; null means not set.
     *
     * @throws IllegalArgumentException when the path names no field
     */
    public static ImageExtractor of(String path, String value, String key, String name) {
        List<String> fields = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.trim().isEmpty()) {
                fields.add(segment.trim());
            }
        }
        String imageField = value == null || value.isEmpty() ? null : value;
        if (imageField == null) {
            if (fields.isEmpty()) {
                throw new IllegalArgumentException("path \"" + path + "\" names no field and value is not set");
            }
            imageField = fields.remove(fields.size() - 1);
        }
        return new ImageExtractor(name == null || name.isEmpty() ? DEFAULT_NAME : name, path, fields, imageField,
                Optional.ofNullable(key).filter(k -> !k.isEmpty()));
    }

    /** The built-in extractors for a kind a rule does not configure: {@code /spec/image} for GKM's kinds. */
    public static List<ImageExtractor> defaultsFor(String kind) {
        return DEFAULTS.getOrDefault(kind, List.of());
    }

    /**
     * The image strings in {@code object}, keyed by {@code key} (or JSON pointer), in document
     * order; a later duplicate key replaces an earlier one, as in Kyverno.
     *
     * @throws ImageExtractionException when the object does not have the shape the path describes
     */
    public Map<String, FoundImage> extract(Map<String, Object> object) throws ImageExtractionException {
        Map<String, FoundImage> found = new LinkedHashMap<>();
        walk(object, "", 0, found);
        return found;
    }

    private void walk(Object node, String pointer, int depth, Map<String, FoundImage> found)
            throws ImageExtractionException {
        if (node == null) {
            return;
        }
        if (depth < fields.size() && fields.get(depth).equals("*")) {
            if (node instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    walk(list.get(i), pointer + "/" + i, depth + 1, found);
                }
            } else if (node instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    walk(entry.getValue(), pointer + "/" + entry.getKey(), depth + 1, found);
                }
            } else {
                throw new ImageExtractionException(pointer, "\"*\" needs a list or an object");
            }
            return;
        }
        if (!(node instanceof Map<?, ?> map)) {
            throw new ImageExtractionException(pointer, "expected an object");
        }
        if (depth < fields.size()) {
            String field = fields.get(depth);
            walk(map.get(field), pointer + "/" + field, depth + 1, found);
            return;
        }
        String imagePointer = pointer + "/" + value;
        if (!(map.get(value) instanceof String image) || image.isBlank()) {
            return; // Kyverno: the image may not be present
        }
        String id = imagePointer;
        if (key.isPresent()) {
            if (!(map.get(key.get()) instanceof String keyValue)) {
                throw new ImageExtractionException(pointer + "/" + key.get(), "key field is missing or not a string");
            }
            id = keyValue;
        }
        found.put(id, new FoundImage(imagePointer, image));
    }

    /**
     * An image string found by an extractor.
     *
     * @param pointer JSON pointer to the image field, e.g. {@code /spec/image}
     * @param value the image as written in the resource
     */
    public record FoundImage(String pointer, String value) {

        public FoundImage {
            Objects.requireNonNull(pointer, "pointer");
            Objects.requireNonNull(value, "value");
        }
    }

    /** The resource does not have the shape an extractor's path describes. */
    public static final class ImageExtractionException extends Exception {

        private static final long serialVersionUID = 1L;

        public ImageExtractionException(String pointer, String reason) {
            super("image extractor at " + (pointer.isEmpty() ? "/" : pointer) + ": " + reason);
        }
    }
}
