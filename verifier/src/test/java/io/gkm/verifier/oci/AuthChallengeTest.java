package io.gkm.verifier.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {

    @Test
    void bearerChallengeWithACommaInsideTheQuotedScope() {
        List<AuthChallenge> c = AuthChallenge.parse(List.of(
                "Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
                        + "scope=\"repository:gkm/cache:pull,push\""));
        assertThat(c).hasSize(1);
        assertThat(c.get(0).scheme()).isEqualTo("bearer");
        assertThat(c.get(0).realm()).isEqualTo("https://auth.example/token");
        assertThat(c.get(0).service()).isEqualTo("registry.example");
        assertThat(c.get(0).scope()).isEqualTo("repository:gkm/cache:pull,push");
    }

    @Test
    void spacesCaseAndSeveralChallengesInOneHeader() {
        List<AuthChallenge> c = AuthChallenge.parse(List.of(
                "Basic realm=\"Registry Realm\", BEARER Realm = \"https://a/t\" , service=reg"));
        assertThat(c).extracting(AuthChallenge::scheme).containsExactly("basic", "bearer");
        assertThat(c.get(0).realm()).isEqualTo("Registry Realm");
        assertThat(c.get(1).realm()).isEqualTo("https://a/t");
        assertThat(c.get(1).service()).isEqualTo("reg");
    }

    @Test
    void escapedQuoteInAValueAndGarbageWithoutScheme() {
        assertThat(AuthChallenge.parse(List.of("Bearer realm=\"a\\\"b\"")).get(0).realm()).isEqualTo("a\"b");
        assertThat(AuthChallenge.parse(List.of("realm=\"x\""))).isEmpty();
        assertThat(AuthChallenge.parse(List.of())).isEmpty();
    }
}
