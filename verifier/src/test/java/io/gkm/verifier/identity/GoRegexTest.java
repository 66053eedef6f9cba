package io.gkm.verifier.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go RE2 syntax and regexp.MatchString semantics on java.util.regex. */
class GoRegexTest {

    @Test
    void findsAMatchAnywhereLikeGoMatchString() {
        GoRegex regex = GoRegex.compile("github.com/.*");
        assertThat(regex.find("https://github.com/x")).isTrue();
        assertThat(regex.find("https://gitlab.com/github.com/x")).isTrue();
        assertThat(regex.find("https://gitlab.com/x")).isFalse();
    }

    @Test
    void anchorsRequireTheWholeValue() {
        GoRegex regex = GoRegex.compile("^https://github\\.com/org/.*$");
        assertThat(regex.find("https://github.com/org/repo")).isTrue();
        assertThat(regex.find("evil https://github.com/org/repo")).isFalse();
    }

    @Test
    void dollarIsEndOfTextNotBeforeAFinalNewline() {
        GoRegex regex = GoRegex.compile("^a$");
        assertThat(regex.find("a")).isTrue();
        assertThat(regex.find("a\n")).isFalse(); // java.util.regex alone would say true
    }

    @Test
    void multiLineFlagMakesDollarEndOfLine() {
        assertThat(GoRegex.compile("(?m)^a$").find("a\nb")).isTrue();
        assertThat(GoRegex.compile("(?m:^a$)").find("a\nb")).isTrue();
        assertThat(GoRegex.compile("(?m:x)^a$").find("a\nb")).isFalse();
        assertThat(GoRegex.compile("((?m)x|^a$)").find("a\nb")).isTrue(); // a flag lasts to the end of its group
        assertThat(GoRegex.compile("((?m)x)|^a$").find("a\nb")).isFalse();
    }

    @Test
    void dotDoesNotMatchNewlineButMatchesOtherLineSeparators() {
        assertThat(GoRegex.compile("a.b").find("a\nb")).isFalse();
        assertThat(GoRegex.compile("a.b").find("a\rb")).isTrue();
        assertThat(GoRegex.compile("(?s)a.b").find("a\nb")).isTrue();
    }

    @ParameterizedTest(name = "{0} finds in \"{1}\": {2}")
    @CsvSource(delimiter = '|', textBlock = """
            ^[[:alpha:]]+$      | abc      | true
            ^[[:alpha:]]+$      | ab1      | false
            ^[[:^digit:]]+$     | ab       | true
            ^[a[]+$             | a[a      | true
            ^[a&&b]+$           | a&b      | true
            ^[]a]+$             | ]a       | true
            ^a{,2}$             | a{,2}    | true
            ^a{2}$              | aa       | true
            ^x{$                | x{       | true
            ^\\101$             | A        | true
            ^\\x{41}\\x42$      | AB       | true
            ^\\Q*+?\\E$         | *+?      | true
            ^(?P<org>[a-z_]+)/  | my_org/x | true
            ^(?<org>[a-z]+)/    | org/x    | true
            (?U)a+              | aaa      | true
            (?i)GITHUB          | github   | true
            (?i)^[a-c]+$        | ABC      | true
            ^\\pL+$             | Ωmega    | true
            ^\\p{Greek}+$       | Ωμέγα    | true
            ^\\P{Greek}+$       | Ωμέγα    | false
            \\bsub\\b           | a sub b  | true
            \\bsub\\b           | ésubé    | true
            ^\\s$               | '\t'     | true
            """)
    void translatesGoSyntaxFaithfully(String regex, String text, boolean expected) {
        assertThat(GoRegex.compile(regex).find(text)).isEqualTo(expected);
    }

    @Test
    void whitespaceClassExcludesVerticalTabAsGoDoes() {
        assertThat(GoRegex.compile("^\\s$").find("\u000B")).isFalse();
        assertThat(GoRegex.compile("^[\\s]$").find("\u000B")).isFalse();
        assertThat(GoRegex.compile("^\\v$").find("\u000B")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "(a)\\1",          // backreference
        "a(?=b)",          // lookahead
        "(?<=a)b",         // lookbehind
        "(?!a)b",          // negative lookahead
        "(?>a)",           // atomic group
        "a*+",             // possessive
        "a**",             // nested repetition
        "a{2}{3}",         // nested repetition
        "a{1001}",         // repeat count above Go's limit
        "a{3,2}",          // minimum above maximum
        "a\\Z",            // Java-only end anchor
        "\\u0041",         // Java-only escape
        "\\e",             // Java-only escape
        "\\h",             // Java-only class
        "[[:foo:]]",       // unknown POSIX class
        "(?x)a b",         // flag Go does not have
        "[z-a]",           // reversed range
        "(a",              // unbalanced
        "a)",              // unbalanced
        "[a",              // unterminated class
        "a\\",             // trailing backslash
    })
    void rejectsWhatGoRejects(String regex) {
        assertThatThrownBy(() -> GoRegex.compile(regex))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid regular expression \"" + regex + "\"");
    }

    @Test
    void equalsBySource() {
        assertThat(GoRegex.compile("a.*")).isEqualTo(GoRegex.compile("a.*")).hasToString("a.*");
        assertThat(GoRegex.compile("a.*").source()).isEqualTo("a.*");
    }
}
