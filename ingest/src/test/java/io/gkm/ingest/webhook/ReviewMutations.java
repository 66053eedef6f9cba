package io.gkm.ingest.webhook;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Ways to spoil an AdmissionReview: drop, retype, nest or duplicate a field anywhere in it, or
 * corrupt its bytes. Each edit picks its target with a seed, so that a generator of seeds (and its
 * shrinking) drives it.
 */
final class ReviewMutations {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ReviewMutations() {
    }

    /** A change to the JSON tree, or (duplicate) to how it is written. */
    sealed interface Edit {
    }

    record Drop(int seed) implements Edit {
    }

    record Retype(int seed, int value) implements Edit {
    }

    record Nest(int seed, int depth, boolean inArray) implements Edit {
    }

    /** Writes one member of one object twice, the copy first or last (the last one wins when read). */
    record Duplicate(int seed, int value, boolean copyLast) implements Edit {
    }

    /** What happens to the bytes after the tree is written. */
    sealed interface Corruption {
    }

    record Intact() implements Corruption {
    }

    record RandomBytes(byte[] bytes) implements Corruption {
    }

    record Splice(int position, byte[] bytes) implements Corruption {
    }

    record Truncate(int position) implements Corruption {
    }

    /** Where a value sits: a member of an object or an element of an array. */
    private record Location(JsonNode parent, String key, int index) {
        JsonNode value() {
            return key != null ? parent.get(key) : parent.get(index);
        }

        void set(JsonNode value) {
            if (key != null) {
                ((ObjectNode) parent).set(key, value);
            } else {
                ((ArrayNode) parent).set(index, value);
            }
        }

        void remove() {
            if (key != null) {
                ((ObjectNode) parent).remove(key);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }
    }

    /** The body: {@code review} (left unchanged) with the edits made and the corruption applied. */
    static byte[] apply(JsonNode review, List<Edit> edits, Corruption corruption) {
        JsonNode root = review.deepCopy();
        Duplicate duplicate = null;
        for (Edit edit : edits) {
            List<Location> locations = locations(root);
            if (locations.isEmpty()) {
                break;
            }
            if (edit instanceof Drop d) {
                pick(locations, d.seed()).remove();
            } else if (edit instanceof Retype r) {
                pick(locations, r.seed()).set(value(r.value()));
            } else if (edit instanceof Nest n) {
                Location at = pick(locations, n.seed());
                JsonNode nested = at.value();
                for (int i = 0; i < n.depth(); i++) {
                    nested = n.inArray() ? NODES.arrayNode().add(nested) : NODES.objectNode().set("n", nested);
                }
                at.set(nested);
            } else {
                duplicate = (Duplicate) edit;
            }
        }
        byte[] text = write(root, duplicate).getBytes(StandardCharsets.UTF_8);
        if (corruption instanceof RandomBytes r) {
            return r.bytes();
        }
        if (corruption instanceof Splice sp) {
            int at = Math.floorMod(sp.position(), text.length + 1);
            byte[] out = new byte[text.length + sp.bytes().length];
            System.arraycopy(text, 0, out, 0, at);
            System.arraycopy(sp.bytes(), 0, out, at, sp.bytes().length);
            System.arraycopy(text, at, out, at + sp.bytes().length, text.length - at);
            return out;
        }
        if (corruption instanceof Truncate t) {
            return Arrays.copyOf(text, Math.floorMod(t.position(), text.length + 1));
        }
        return text;
    }

    private static Location pick(List<Location> locations, int seed) {
        return locations.get(Math.floorMod(seed, locations.size()));
    }

    private static List<Location> locations(JsonNode root) {
        List<Location> out = new ArrayList<>();
        collect(root, out);
        return out;
    }

    private static void collect(JsonNode node, List<Location> out) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                out.add(new Location(node, e.getKey(), -1));
                collect(e.getValue(), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(new Location(node, null, i));
                collect(node.get(i), out);
            }
        }
    }

    /** A value of some JSON type, chosen by {@code choice}. */
    static JsonNode value(int choice) {
        return switch (Math.floorMod(choice, 14)) {
            case 0 -> NODES.stringNode("");
            case 1 -> NODES.stringNode("x");
            case 2 -> NODES.numberNode(0);
            case 3 -> NODES.numberNode(-1);
            case 4 -> NODES.numberNode(1e308);
            case 5 -> NODES.numberNode(new BigInteger("123456789012345678901234567890"));
            case 6 -> NODES.booleanNode(true);
            case 7 -> NODES.nullNode();
            case 8 -> NODES.arrayNode();
            case 9 -> NODES.objectNode();
            case 10 -> NODES.arrayNode().add("a").add(1);
            case 11 -> NODES.objectNode().put("a", 1);
            case 12 -> NODES.stringNode("y".repeat(10_000));
            default -> NODES.stringNode("\u0000\uffff\ud83d\ude00\"\\");
        };
    }

    /** JSON text of {@code node}, with the duplicate member (if any) written into its object. */
    private static String write(JsonNode root, Duplicate duplicate) {
        List<Location> members = new ArrayList<>();
        for (Location l : locations(root)) {
            if (l.key() != null) {
                members.add(l);
            }
        }
        Location copied = duplicate == null || members.isEmpty() ? null : pick(members, duplicate.seed());
        StringBuilder out = new StringBuilder();
        write(root, copied, duplicate, out);
        return out.toString();
    }

    private static void write(JsonNode node, Location copied, Duplicate duplicate, StringBuilder out) {
        if (node.isObject()) {
            List<String> members = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                StringBuilder member = new StringBuilder(Reviews.JSON.writeValueAsString(NODES.stringNode(e.getKey()))).append(':');
                write(e.getValue(), copied, duplicate, member);
                members.add(member.toString());
            }
            if (copied != null && copied.parent() == node) {
                String copy = Reviews.JSON.writeValueAsString(NODES.stringNode(copied.key())) + ':'
                        + Reviews.JSON.writeValueAsString(value(duplicate.value()));
                if (duplicate.copyLast()) {
                    members.add(copy);
                } else {
                    members.add(0, copy);
                }
            }
            out.append('{').append(String.join(",", members)).append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), copied, duplicate, out);
            }
            out.append(']');
        } else {
            out.append(Reviews.JSON.writeValueAsString(node));
        }
    }
}
