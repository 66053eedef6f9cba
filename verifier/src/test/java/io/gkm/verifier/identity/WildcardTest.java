package io.gkm.verifier.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Kyverno's ext/wildcard (go-wildcard v1.0.3): '*' any run including '/', '?' exactly one character, full match. */
class WildcardTest {

    @ParameterizedTest(name = "\"{0}\" matches \"{1}\": {2}")
    @CsvSource(delimiter = '|', textBlock = """
            *                           | anything/at/all             | true
            *                           | ''                          | true
            ''                          | ''                          | true
            ''                          | x                           | false
            https://github.com/*        | https://github.com/a/b      | true
            https://github.com/*/*      | https://github.com/a/b/c/d  | true
            https://github.com/*/*      | https://github.com/a        | false
            quay.io/gkm/*               | quay.io/gkm/x:y             | true
            quay.io/gkm/*               | quay.io/gkmx/y:z            | false
            my-bucket?/abc*             | my-bucket1/abc              | true
            my-bucket?/abc*             | mybucket/abc                | false
            a?c                         | a/c                         | true
            a?c                         | ac                          | false
            a??                         | a                           | false
            mnop*?                      | mnop                        | false
            mnop*?                      | mnopq                       | true
            s3:ListBucket               | s3:ListBucketMultipart      | false
            In*/Ka*/Ban                 | India/Karnataka/Bangalore   | false
            In*/Ka*/Ban*                | India/Karnataka/Bangalore   | true
            Docker.io/*                 | docker.io/x                 | false
            a*b*c*d                     | aXbYcZd                     | true
            a*b*c*d                     | aXbYcZ                      | false
            """)
    void matchesLikeKyverno(String pattern, String text, boolean expected) {
        assertThat(Wildcard.matches(pattern, text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "\"{0}\" matches \"{1}\": {2}")
    @CsvSource(delimiter = '|', textBlock = """
            a*b   | a*b  | true
            a*b   | axb  | true
            a?b   | a?b  | true
            a\\*b | axb  | false
            """)
    void hasNoEscapeSoAWildcardOnlyEverMeansAWildcard(String pattern, String text, boolean expected) {
        assertThat(Wildcard.matches(pattern, text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "\"{0}\" matches \"{1}\"")
    @CsvSource({"?, é", "??, \uD83D\uDE00x", "x?y, x\uD83D\uDE00y"})
    void questionMarkIsOneCharacterEvenOutsideTheBasicPlane(String pattern, String text) {
        assertThat(Wildcard.matches(pattern, text)).isTrue();
    }

    @Test
    void longPatternsWithManyStarsFinishQuickly() {
        String text = "a".repeat(10_000);
        String pattern = "*a".repeat(50) + "b";
        assertThat(Wildcard.matches(pattern, text)).isFalse();
    }
}
