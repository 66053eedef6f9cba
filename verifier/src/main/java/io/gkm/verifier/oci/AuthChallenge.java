package io.gkm.verifier.oci;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 9110 section 11.6.1), e.g.
 * {@code Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull,push"}.
 * Parameter values may be quoted and then contain commas, which is why a regex will not do.
 *
 * @param scheme lower case: {@code basic} or {@code bearer}
 * @param params lower-case names
 */
record AuthChallenge(String scheme, Map<String, String> params) {

    String realm() {
        return params.get("realm");
    }

    String service() {
        return params.get("service");
    }

    String scope() {
        return params.get("scope");
    }

    /** Every challenge in the header values; unparseable text is skipped, never guessed. */
    static List<AuthChallenge> parse(List<String> headerValues) {
        List<AuthChallenge> challenges = new ArrayList<>();
        for (String value : headerValues) {
            parseOne(value, challenges);
        }
        return challenges;
    }

    private static void parseOne(String s, List<AuthChallenge> out) {
        int i = 0;
        int n = s.length();
        String scheme = null;
        Map<String, String> params = null;
        while (i < n) {
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == ',' || s.charAt(i) == '\t')) {
                i++;
            }
            int start = i;
            while (i < n && s.charAt(i) != ' ' && s.charAt(i) != '=' && s.charAt(i) != ',' && s.charAt(i) != '\t') {
                i++;
            }
            String token = s.substring(start, i);
            if (token.isEmpty()) {
                break;
            }
            int j = i;
            while (j < n && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
                j++;
            }
            if (j < n && s.charAt(j) == '=' && params != null) {
                i = j + 1;
                while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                    i++;
                }
                StringBuilder value = new StringBuilder();
                if (i < n && s.charAt(i) == '"') {
                    i++;
                    while (i < n && s.charAt(i) != '"') {
                        if (s.charAt(i) == '\\' && i + 1 < n) {
                            i++;
                        }
                        value.append(s.charAt(i++));
                    }
                    i++; // closing quote
                } else {
                    while (i < n && s.charAt(i) != ',') {
                        value.append(s.charAt(i++));
                    }
                }
                params.put(token.toLowerCase(Locale.ROOT), value.toString().trim());
            } else if (j < n && s.charAt(j) == '=') {
                return; // a parameter before any scheme: not a challenge
            } else {
                if (scheme != null) {
                    out.add(new AuthChallenge(scheme, Map.copyOf(params)));
                }
                scheme = token.toLowerCase(Locale.ROOT);
                params = new LinkedHashMap<>();
            }
        }
        if (scheme != null) {
            out.add(new AuthChallenge(scheme, Map.copyOf(params)));
        }
    }
}
