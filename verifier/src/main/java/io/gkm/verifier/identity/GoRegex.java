package io.gkm.verifier.identity;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A regular expression in Go's RE2 syntax, matched the way Kyverno matches {@code issuerRegExp}
 * and {@code subjectRegExp}: Go's {@code regexp.MatchString}, i.e. unanchored (a match anywhere in
 * the text is enough; anchor with {@code ^...$} to require the whole text).
 *
 * <p>The expression is translated to {@link java.util.regex} so that it means what it means in
 * Go, and rejected when Go would reject it: a policy that Kyverno refuses must not verify here.
 * Translated: {@code $} is end of text unless {@code (?m)} is on (Java's also matches before a
 * final newline); {@code .} excludes only {@code \n}; {@code \s} is Go's ASCII set; {@code \b}
 * uses ASCII word characters; {@code [[:alpha:]]} POSIX classes; octal escapes; {@code \x{...}};
 * {@code \p{Greek}}; {@code (?P<name>...)}; a literal {@code [} or {@code &&} inside a class; a
 * {@code {} that is not a repeat is a literal. Rejected as Go does: backreferences, lookaround,
 * atomic and possessive forms, nested repetition operators, repeat counts over 1000, escapes Go
 * does not know ({@code \Z}, {@code \e}, {@code \h}, {@code \u0041}...). The ungreedy flag
 * {@code U} is accepted and dropped: greediness never changes whether a match exists.
 */
public final class GoRegex {

    private final String source;
    private final Pattern pattern;

    private GoRegex(String source, Pattern pattern) {
        this.source = source;
        this.pattern = pattern;
    }

    /**
     * Compiles {@code source} (Go RE2 syntax).
     *
     * @throws IllegalArgumentException naming the expression and what is wrong with it
     */
    public static GoRegex compile(String source) {
        Objects.requireNonNull(source, "source");
        String translated = new Translator(source).translate();
        try {
            return new GoRegex(source, Pattern.compile(translated, Pattern.UNIX_LINES | Pattern.UNICODE_CASE));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "invalid regular expression \"" + source + "\": " + e.getDescription(), e);
        }
    }

    /** Whether the expression matches anywhere in {@code text} (Go's {@code MatchString}). */
    public boolean find(String text) {
        return pattern.matcher(text).find();
    }

    /** The expression as written in the policy. */
    public String source() {
        return source;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GoRegex other && source.equals(other.source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    @Override
    public String toString() {
        return source;
    }

    /** Go RE2 syntax to java.util.regex, one pass; see the class comment for what changes. */
    private static final class Translator {

        private static final int MAX_REPEAT = 1000; // Go's limit for {n,m}
        private static final Pattern REPEAT = Pattern.compile("\\{(\\d+)(,(\\d*))?}");
        private static final String SPACE = "[\\t\\n\\f\\r ]"; // Go's \s: no \v, unlike Java's
        private static final String NOT_SPACE = "[^\\t\\n\\f\\r ]";
        // Java 17's \b counts Unicode letters as word characters; Go's \b only [0-9A-Za-z_].
        private static final String WORD_BOUNDARY = "(?:(?<=\\w)(?!\\w)|(?<!\\w)(?=\\w))";
        private static final String NOT_WORD_BOUNDARY = "(?:(?<=\\w)(?=\\w)|(?<!\\w)(?!\\w))";
        private static final Map<String, String> POSIX = Map.ofEntries(
                Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"),
                Map.entry("ascii", "\\p{ASCII}"), Map.entry("blank", "\\p{Blank}"),
                Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "\\p{Digit}"),
                Map.entry("graph", "\\p{Graph}"), Map.entry("lower", "\\p{Lower}"),
                Map.entry("print", "\\p{Print}"), Map.entry("punct", "\\p{Punct}"),
                Map.entry("space", "\\p{Space}"), Map.entry("upper", "\\p{Upper}"),
                Map.entry("word", "\\w"), Map.entry("xdigit", "\\p{XDigit}"));

        private final String re;
        private final StringBuilder out = new StringBuilder();
        /** Multi-line flag of each enclosing group, restored when the group closes. */
        private final Deque<Boolean> groups = new ArrayDeque<>();
        private int i;
        private boolean multiline;
        private boolean afterRepeat;
        private boolean afterLazyRepeat;

        Translator(String re) {
            this.re = re;
        }

        String translate() {
            while (i < re.length()) {
                int c = re.codePointAt(i);
                boolean repeat = false;
                switch (c) {
                    case '\\' -> escape();
                    case '[' -> characterClass();
                    case '(' -> openGroup();
                    case ')' -> closeGroup();
                    case '$' -> {
                        out.append(multiline ? "$" : "\\z");
                        i++;
                    }
                    case '*', '+', '?' -> {
                        repeatOperator((char) c);
                        repeat = true;
                    }
                    case '{' -> repeat = brace();
                    default -> {
                        out.appendCodePoint(c);
                        i += Character.charCount(c);
                    }
                }
                if (!repeat) {
                    afterRepeat = false;
                    afterLazyRepeat = false;
                }
            }
            if (!groups.isEmpty()) {
                throw invalid("missing closing )");
            }
            return out.toString();
        }

        private void repeatOperator(char c) {
            if (afterLazyRepeat || (afterRepeat && c != '?')) {
                throw invalid("invalid nested repetition operator at offset " + i
                        + " (possessive quantifiers do not exist in Go)");
            }
            if (afterRepeat) {
                afterLazyRepeat = true; // x*? is the lazy form of x*
            }
            afterRepeat = true;
            out.append(c);
            i++;
        }

        /** A repeat {n}, {n,} or {n,m}, else a literal brace as in Go. Returns whether it was a repeat. */
        private boolean brace() {
            Matcher m = REPEAT.matcher(re).region(i, re.length());
            if (!m.lookingAt()) {
                out.append("\\{");
                i++;
                return false;
            }
            int min = repeatCount(m.group(1));
            int max = m.group(2) == null ? min : m.group(3).isEmpty() ? -1 : repeatCount(m.group(3));
            if (max >= 0 && min > max) {
                throw invalid("invalid repeat count " + m.group() + " (minimum above maximum)");
            }
            if (afterRepeat || afterLazyRepeat) {
                throw invalid("invalid nested repetition operator " + m.group());
            }
            afterRepeat = true;
            out.append(m.group());
            i = m.end();
            return true;
        }

        private int repeatCount(String digits) {
            if ((digits.length() > 1 && digits.charAt(0) == '0') || digits.length() > 4
                    || Integer.parseInt(digits) > MAX_REPEAT) {
                throw invalid("invalid repeat count {" + digits + "} (Go allows 0 to " + MAX_REPEAT + ")");
            }
            return Integer.parseInt(digits);
        }

        private void openGroup() {
            i++;
            if (!re.startsWith("?", i)) {
                groups.push(multiline);
                out.append('(');
                return;
            }
            i++;
            boolean named = re.startsWith("P<", i)
                    || (re.startsWith("<", i) && !re.startsWith("<=", i) && !re.startsWith("<!", i));
            if (named) {
                int start = i + (re.startsWith("P<", i) ? 2 : 1);
                int end = re.indexOf('>', start);
                if (end < 0 || !re.substring(start, end).matches("[A-Za-z0-9_]+")) {
                    throw invalid("invalid named capture at offset " + (i - 2));
                }
                i = end + 1;
                groups.push(multiline);
                out.append('('); // the name is never used; Java's stricter name rules stay out of the way
                return;
            }
            flagGroup();
        }

        /** (?flags) or (?flags:re) with Go's flags i, m, s, U. */
        private void flagGroup() {
            int start = i - 2;
            StringBuilder on = new StringBuilder();
            StringBuilder off = new StringBuilder();
            boolean negate = false;
            boolean sawFlag = false;
            boolean newMultiline = multiline;
            while (i < re.length() && re.charAt(i) != ':' && re.charAt(i) != ')') {
                char f = re.charAt(i++);
                switch (f) {
                    case 'i', 'm', 's' -> {
                        (negate ? off : on).append(f);
                        if (f == 'm') {
                            newMultiline = !negate;
                        }
                        sawFlag = true;
                    }
                    case 'U' -> sawFlag = true; // ungreedy: cannot change whether a match exists
                    case '-' -> {
                        if (negate) {
                            throw invalid("invalid flag group at offset " + start);
                        }
                        negate = true;
                        sawFlag = false;
                    }
                    default -> throw invalid("\"" + re.substring(start, Math.min(i, re.length()))
                            + "\" at offset " + start + ": lookaround, atomic groups, comments and flags other than"
                            + " i, m, s, U do not exist in Go's RE2 syntax");
                }
            }
            if (i >= re.length() || (negate && !sawFlag)) {
                throw invalid("invalid flag group at offset " + start);
            }
            String flags = on + (off.length() > 0 ? "-" + off : "");
            if (re.charAt(i++) == ')') {
                multiline = newMultiline; // for the rest of the enclosing group
                if (!flags.isEmpty()) {
                    out.append("(?").append(flags).append(')');
                }
            } else {
                groups.push(multiline);
                multiline = newMultiline;
                out.append("(?").append(flags).append(':');
            }
        }

        private void closeGroup() {
            if (groups.isEmpty()) {
                throw invalid("unexpected ) at offset " + i);
            }
            multiline = groups.pop();
            out.append(')');
            i++;
        }

        private void escape() {
            i++;
            if (i >= re.length()) {
                throw invalid("trailing backslash at end of expression");
            }
            char c = re.charAt(i);
            switch (c) {
                case 'A', 'z' -> {
                    out.append('\\').append(c);
                    i++;
                }
                case 'b' -> {
                    out.append(WORD_BOUNDARY);
                    i++;
                }
                case 'B' -> {
                    out.append(NOT_WORD_BOUNDARY);
                    i++;
                }
                case 'Q' -> quoted();
                case 'd', 'D', 's', 'S', 'w', 'W' -> {
                    out.append(perlClass(c));
                    i++;
                }
                case 'p', 'P' -> out.append(unicodeClass());
                default -> out.append(literal(escapedChar()));
            }
        }

        /** \Q...\E: literal text up to \E or the end. */
        private void quoted() {
            i++;
            int end = re.indexOf("\\E", i);
            String text = end < 0 ? re.substring(i) : re.substring(i, end);
            i = end < 0 ? re.length() : end + 2;
            text.codePoints().forEach(cp -> out.append(literal(cp)));
        }

        private static String perlClass(char c) {
            return switch (c) {
                case 's' -> SPACE;
                case 'S' -> NOT_SPACE;
                default -> "\\" + c; // \d \D \w \W: ASCII in both languages
            };
        }

        /** \pL, \p{Greek}, \p{^Greek}, \PL; i is on the p or P. */
        private String unicodeClass() {
            boolean negated = re.charAt(i++) == 'P';
            if (i >= re.length()) {
                throw invalid("missing Unicode class name after \\p");
            }
            String name;
            if (re.charAt(i) == '{') {
                int end = re.indexOf('}', i);
                if (end < 0) {
                    throw invalid("missing } after \\p{");
                }
                name = re.substring(i + 1, end);
                i = end + 1;
            } else {
                int cp = re.codePointAt(i);
                name = new String(Character.toChars(cp));
                i += Character.charCount(cp);
            }
            if (name.startsWith("^")) {
                negated = !negated;
                name = name.substring(1);
            }
            if (!name.matches("[A-Za-z_]+")) {
                throw invalid("invalid Unicode class \\p{" + name + "}");
            }
            if (name.equals("Any")) {
                return negated ? "[^\\x{0}-\\x{10FFFF}]" : "[\\x{0}-\\x{10FFFF}]";
            }
            // "Is" makes Java look the name up as a category or a script, as Go does.
            return (negated ? "\\P{Is" : "\\p{Is") + name + "}";
        }

        /** One escaped character (i just after the backslash): octal, hex, control or punctuation. */
        private int escapedChar() {
            int c = re.codePointAt(i);
            if (c >= '1' && c <= '7' && (i + 1 >= re.length() || re.charAt(i + 1) < '0' || re.charAt(i + 1) > '7')) {
                throw invalid("backreference \\" + (char) c + " (Go has no backreferences)");
            }
            if (c >= '0' && c <= '7') {
                int value = 0;
                for (int n = 0; n < 3 && i < re.length() && re.charAt(i) >= '0' && re.charAt(i) <= '7'; n++) {
                    value = value * 8 + (re.charAt(i++) - '0');
                }
                return value;
            }
            i += Character.charCount(c);
            switch (c) {
                case 'a':
                    return 0x07;
                case 'f':
                    return '\f';
                case 't':
                    return '\t';
                case 'n':
                    return '\n';
                case 'r':
                    return '\r';
                case 'v':
                    return 0x0B;
                case 'x':
                    return hexEscape();
                default:
                    if (c < 0x80 && !Character.isLetterOrDigit(c)) {
                        return c; // any ASCII punctuation may be escaped
                    }
                    throw invalid("invalid escape \\" + new String(Character.toChars(c))
                            + " (not a Go regular expression escape)");
            }
        }

        private int hexEscape() {
            String digits;
            if (re.startsWith("{", i)) {
                int end = re.indexOf('}', i);
                if (end < 0) {
                    throw invalid("missing } in \\x{...}");
                }
                digits = re.substring(i + 1, end);
                i = end + 1;
                String significant = digits.replaceFirst("^0+(?=.)", "");
                if (!digits.matches("[0-9A-Fa-f]+") || significant.length() > 6
                        || Integer.parseInt(significant, 16) > Character.MAX_CODE_POINT) {
                    throw invalid("invalid hexadecimal escape \\x{" + digits + "}");
                }
                return Integer.parseInt(significant, 16);
            }
            digits = re.substring(i, Math.min(i + 2, re.length()));
            i += 2;
            if (!digits.matches("[0-9A-Fa-f]{2}")) {
                throw invalid("invalid hexadecimal escape \\x" + digits + " (two digits, or \\x{...})");
            }
            return Integer.parseInt(digits, 16);
        }

        /** [...]: every member re-emitted so that Java's nested classes and && cannot apply. */
        private void characterClass() {
            int start = i++;
            StringBuilder cls = new StringBuilder("[");
            if (re.startsWith("^", i)) {
                cls.append('^');
                i++;
            }
            boolean first = true; // a ] first in the class is a literal, as in Go
            while (true) {
                if (i >= re.length()) {
                    throw invalid("missing closing ] for the class at offset " + start);
                }
                int c = re.codePointAt(i);
                if (c == ']' && !first) {
                    i++;
                    break;
                }
                first = false;
                if (c == '[' && re.startsWith("[:", i) && re.indexOf(":]", i + 2) >= 0) {
                    int end = re.indexOf(":]", i + 2);
                    cls.append(posixClass(re.substring(i + 2, end)));
                    i = end + 2;
                    continue;
                }
                if (c == '\\' && i + 1 < re.length() && "dDsSwWpP".indexOf(re.charAt(i + 1)) >= 0) {
                    i++;
                    cls.append(re.charAt(i) == 'p' || re.charAt(i) == 'P' ? unicodeClass() : perlClass(re.charAt(i++)));
                    continue;
                }
                int lo = classChar();
                if (re.startsWith("-", i) && i + 1 < re.length() && re.charAt(i + 1) != ']') {
                    i++;
                    int hi = classChar();
                    if (hi < lo) {
                        throw invalid("invalid character class range " + literal(lo) + "-" + literal(hi));
                    }
                    cls.append(literal(lo)).append('-').append(literal(hi));
                } else {
                    cls.append(literal(lo));
                }
            }
            out.append(cls).append(']');
        }

        private String posixClass(String name) {
            boolean negated = name.startsWith("^");
            String java = POSIX.get(negated ? name.substring(1) : name);
            if (java == null) {
                throw invalid("invalid character class [:" + name + ":]");
            }
            if (!negated) {
                return java;
            }
            return java.equals("\\w") ? "\\W" : "\\P" + java.substring(2);
        }

        private int classChar() {
            int c = re.codePointAt(i);
            if (c == '\\') {
                i++;
                if (i >= re.length()) {
                    throw invalid("trailing backslash at end of expression");
                }
                return escapedChar();
            }
            i += Character.charCount(c);
            return c;
        }

        private static String literal(int codePoint) {
            return "\\x{" + Integer.toHexString(codePoint) + "}";
        }

        private IllegalArgumentException invalid(String reason) {
            return new IllegalArgumentException("invalid regular expression \"" + re + "\": " + reason);
        }
    }
}
