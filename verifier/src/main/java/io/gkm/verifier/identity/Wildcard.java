package io.gkm.verifier.identity;

import java.util.Objects;

/**
 * Kyverno's wildcard match ({@code ext/wildcard}, i.e. {@code IGLOU-EU/go-wildcard} v1.0.3, a
 * fork of MinIO's matcher): {@code *} matches any sequence of characters, {@code /} included;
 * {@code ?} matches exactly one character; every other character matches itself, case
 * sensitively; there is no escape, so a literal {@code *} or {@code ?} can only be matched by a
 * wildcard. The whole text must match. An empty pattern matches only the empty text.
 */
public final class Wildcard {

    private Wildcard() {}

    /** Whether {@code pattern} matches all of {@code text}. */
    public static boolean matches(String pattern, String text) {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(text, "text");
        if (pattern.isEmpty()) {
            return text.isEmpty();
        }
        if (pattern.equals("*")) {
            return true;
        }
        // Code points, not chars: Kyverno matches runes, so '?' is one character even outside the BMP.
        int[] p = pattern.codePoints().toArray();
        int[] s = text.codePoints().toArray();
        // Greedy match with backtracking to the last '*': linear in practice, never exponential.
        int pi = 0;
        int si = 0;
        int starAt = -1;
        int starText = 0;
        while (si < s.length) {
            if (pi < p.length && p[pi] == '*') {
                starAt = pi++;
                starText = si;
            } else if (pi < p.length && (p[pi] == '?' || p[pi] == s[si])) {
                pi++;
                si++;
            } else if (starAt >= 0) {
                pi = starAt + 1;
                si = ++starText;
            } else {
                return false;
            }
        }
        while (pi < p.length && p[pi] == '*') {
            pi++;
        }
        return pi == p.length;
    }

    /** Whether {@code text} holds a wildcard character ({@code *} or {@code ?}). */
    public static boolean containsWildcard(String text) {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
    }
}
