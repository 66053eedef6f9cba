package io.gkm.verifier.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * RFC 8785 (JCS) serialisation of the JSON this test kit signs or logs: Rekor entry bodies and
 * the SET's {@code {body, integratedTime, logID, logIndex}}. Rekor canonicalises both this way,
 * so a verifier that re-canonicalises gets the very bytes that were signed.
 *
 * <p>Only integers are supported as numbers: nothing Sigstore signs has fractions, and
 * ECMAScript's number formatting is not worth re-implementing for none.
 */
final class CanonicalJson {
    private CanonicalJson() {
    }

    static byte[] encode(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void write(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<String> names = new ArrayList<>();
                node.fieldNames().forEachRemaining(names::add);
                // String order is UTF-16 code unit order, the order RFC 8785 section 3.2.3 asks for.
                Collections.sort(names);
                out.append('{');
                for (int i = 0; i < names.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(names.get(i), out);
                    out.append(':');
                    write(node.get(names.get(i)), out);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(node.get(i), out);
                }
                out.append(']');
            }
            case STRING -> string(node.textValue(), out);
            case NUMBER -> {
                if (!node.canConvertToExactIntegral() || !node.canConvertToLong()) {
                    throw new IllegalArgumentException("canonical JSON here supports integers only, got " + node);
                }
                out.append(node.longValue());
            }
            case BOOLEAN -> out.append(node.booleanValue());
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("not JSON data: " + node.getNodeType());
        }
    }

    /** ECMAScript JSON.stringify escaping: the two mandatory escapes, short forms, else lower-case backslash-u. */
    private static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
