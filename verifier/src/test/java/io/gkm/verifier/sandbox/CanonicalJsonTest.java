package io.gkm.verifier.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void membersAreSortedByUtf16CodeUnitsAtEveryLevelWithoutWhitespace() throws Exception {
        String json = "{ \"logIndex\": 7, \"body\": \"eyJ9\", \"logID\": \"c0d2\", \"integratedTime\": 1700000000,"
                + " \"nested\": { \"b\": [ 2, 1, { \"z\": null, \"a\": true } ], \"a\": false },"
                + " \"\u00e9\": 1, \"\ud83d\ude00\": 2, \"\ufb33\": 3 }";

        assertThat(canonical(json)).isEqualTo("{\"body\":\"eyJ9\",\"integratedTime\":1700000000,\"logID\":\"c0d2\","
                + "\"logIndex\":7,\"nested\":{\"a\":false,\"b\":[2,1,{\"a\":true,\"z\":null}]},"
                + "\"\u00e9\":1,\"\ud83d\ude00\":2,\"\ufb33\":3}");
    }

    @Test
    void stringsEscapeOnlyWhatEcmaScriptEscapesAndControlCharactersInLowerCaseHex() throws Exception {
        String json = "{\"s\":\"quote \\\" backslash \\\\ slash / tab \\t nl \\n bell \\u0007 unit \\u001F"
                + " del \\u007f euro \\u20ac\"}";

        assertThat(canonical(json)).isEqualTo("{\"s\":\"quote \\\" backslash \\\\ slash / tab \\t nl \\n bell \\u0007"
                + " unit \\u001f del \u007f euro \u20ac\"}");
    }

    @Test
    void fractionsAreRefusedRatherThanFormattedWrongly() {
        assertThatThrownBy(() -> canonical("{\"x\":1.5}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("integers only");
    }

    private static String canonical(String json) throws Exception {
        return new String(CanonicalJson.encode(JSON.readTree(json)), StandardCharsets.UTF_8);
    }
}
