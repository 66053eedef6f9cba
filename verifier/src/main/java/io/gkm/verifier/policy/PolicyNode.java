package io.gkm.verifier.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * A YAML node with its path in the document, so that every error names file and field. A field
 * set to null counts as absent, as in Kubernetes.
 */
final class PolicyNode {

    private final JsonNode node;
    private final String path;
    private final String source;

    private PolicyNode(JsonNode node, String path, String source) {
        this.node = node == null ? MissingNode.getInstance() : node;
        this.path = path;
        this.source = source;
    }

    static PolicyNode root(JsonNode node, String source) {
        return new PolicyNode(node, "", source);
    }

    String path() {
        return path;
    }

    boolean present() {
        return !node.isMissingNode() && !node.isNull();
    }

    PolicyNode get(String field) {
        // Keys such as label names hold dots and slashes: quote them so the path stays readable.
        String step = field.matches("[A-Za-z_][A-Za-z0-9_]*") ? (path.isEmpty() ? field : "." + field)
                : "[\"" + field + "\"]";
        return new PolicyNode(node.get(field), path + step, source);
    }

    PolicyLoadException error(String reason) {
        return new PolicyLoadException(source, path, reason);
    }

    /** This node, which must be a present object. */
    PolicyNode object() throws PolicyLoadException {
        if (!present()) {
            throw error("required");
        }
        if (!node.isObject()) {
            throw error("must be an object");
        }
        return this;
    }

    /**
     * Fails on the first field that is neither supported nor one of {@code defaultOnly} set to
     * its Kyverno default (the API server writes those defaults into policies read back from a
     * cluster; they change nothing).
     */
    void checkFields(Set<String> supported, Map<String, Object> defaultOnly) throws PolicyLoadException {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (supported.contains(name)) {
                continue;
            }
            PolicyNode field = get(name);
            Object defaultValue = defaultOnly.get(name);
            if (defaultValue != null) {
                if (!field.present() || field.scalarEquals(defaultValue)) {
                    continue;
                }
                throw field.error("not supported except with Kyverno's default value " + defaultValue);
            }
            throw field.error("not supported (supported here: " + String.join(", ", new TreeSet<>(supported)) + ")");
        }
    }

    void checkFields(Set<String> supported) throws PolicyLoadException {
        checkFields(supported, Map.of());
    }

    private boolean scalarEquals(Object value) {
        return value instanceof Boolean b ? node.isBoolean() && node.booleanValue() == b
                : node.isTextual() && node.textValue().equals(value);
    }

    /** This node's text, which must be a present non-empty string. */
    String text() throws PolicyLoadException {
        String text = string();
        if (text.isEmpty()) {
            throw error("must not be empty");
        }
        return text;
    }

    /** This node's text, which must be a present string, possibly empty. */
    String string() throws PolicyLoadException {
        if (!present()) {
            throw error("required");
        }
        if (!node.isTextual()) {
            throw error("must be a string");
        }
        return node.textValue();
    }

    String requiredText(String field) throws PolicyLoadException {
        return get(field).text();
    }

    Optional<String> optionalText(String field) throws PolicyLoadException {
        PolicyNode child = get(field);
        return child.present() ? Optional.of(child.text()) : Optional.empty();
    }

    Optional<Boolean> optionalBoolean(String field) throws PolicyLoadException {
        PolicyNode child = get(field);
        if (!child.present()) {
            return Optional.empty();
        }
        if (!child.node.isBoolean()) {
            throw child.error("must be true or false");
        }
        return Optional.of(child.node.booleanValue());
    }

    OptionalInt optionalInt(String field) throws PolicyLoadException {
        PolicyNode child = get(field);
        if (!child.present()) {
            return OptionalInt.empty();
        }
        if (!child.node.isInt()) {
            throw child.error("must be an integer");
        }
        return OptionalInt.of(child.node.intValue());
    }

    /** The elements of a list field; empty when the field is absent. */
    List<PolicyNode> list(String field) throws PolicyLoadException {
        return get(field).elements();
    }

    /** The elements of this list; empty when this node is absent. */
    List<PolicyNode> elements() throws PolicyLoadException {
        if (!present()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw error("must be a list");
        }
        List<PolicyNode> elements = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            elements.add(new PolicyNode(node.get(i), path + "[" + i + "]", source));
        }
        return elements;
    }

    /** A list of non-empty strings; empty when the field is absent. */
    List<String> textList(String field) throws PolicyLoadException {
        List<String> texts = new ArrayList<>();
        for (PolicyNode element : list(field)) {
            texts.add(element.text());
        }
        return texts;
    }

    /** The fields of this object, in document order. */
    Map<String, PolicyNode> fields() throws PolicyLoadException {
        object();
        Map<String, PolicyNode> fields = new LinkedHashMap<>();
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            fields.put(name, get(name));
        }
        return fields;
    }
}
