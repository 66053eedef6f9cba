package io.gkm.verifier.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class IdentityMatcherTest {

    private static final String GITHUB_ACTIONS = "https://token.actions.githubusercontent.com";
    private static final String WORKFLOW = "https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main";

    @Test
    void emptyRequirementMatchesAnySigner() {
        IdentityRequirement any = IdentityRequirement.of(null, "", null, null);
        assertThat(any.isEmpty()).isTrue();
        assertThat(any).isEqualTo(IdentityRequirement.any());
        IdentityMatch match = IdentityMatcher.match(any, SignerIdentity.of("https://issuer.example", "someone@example.com"));
        assertThat(match).isEqualTo(new IdentityMatch.Matched("https://issuer.example", "someone@example.com"));
    }

    @Test
    void subjectRegExpIsUnanchored() {
        IdentityRequirement requirement = IdentityRequirement.of(GITHUB_ACTIONS, null, null, "github.com/.*");
        assertThat(IdentityMatcher.match(requirement, SignerIdentity.of(GITHUB_ACTIONS, "https://github.com/x")).matched())
                .isTrue();
    }

    @Test
    void subjectGlobStarSpansSlashesAsKyvernoWildcardDoes() {
        IdentityRequirement requirement = IdentityRequirement.of(GITHUB_ACTIONS, null, "https://github.com/*", null);
        assertThat(IdentityMatcher.match(requirement, SignerIdentity.of(GITHUB_ACTIONS, "https://github.com/a/b")).matched())
                .isTrue();
    }

    @Test
    void subjectGlobMustMatchTheWholeValue() {
        IdentityRequirement requirement = IdentityRequirement.of(null, null, "github.com/*", null);
        IdentityMatch match = IdentityMatcher.match(requirement, SignerIdentity.of(GITHUB_ACTIONS, "https://github.com/a"));
        assertThat(match).isEqualTo(new IdentityMatch.Mismatch(IdentityCriterion.SUBJECT, "github.com/*", "https://github.com/a"));
        assertThat(match.reason()).isEqualTo("subject mismatch: subject \"https://github.com/a\" does not match the glob"
                + " subject \"github.com/*\"");
    }

    @Test
    void issuerGlobIsCheckedFirstAndReportedWithTheActualIssuer() {
        IdentityRequirement requirement = IdentityRequirement.of("https://github.com/login/oauth", null, "nobody", null);
        IdentityMatch match = IdentityMatcher.match(requirement, SignerIdentity.of(GITHUB_ACTIONS, WORKFLOW));
        assertThat(match).isEqualTo(new IdentityMatch.Mismatch(IdentityCriterion.ISSUER, "https://github.com/login/oauth",
                GITHUB_ACTIONS));
        assertThat(match.reason()).contains("issuer \"" + GITHUB_ACTIONS + "\"", "issuer \"https://github.com/login/oauth\"");
    }

    @Test
    void issuerGlobAndRegExpMustBothHold() {
        IdentityRequirement requirement = IdentityRequirement.of("https://*", null, null, null);
        assertThat(IdentityMatcher.match(requirement, SignerIdentity.of(GITHUB_ACTIONS, WORKFLOW)).matched()).isTrue();
        IdentityRequirement both = IdentityRequirement.of("https://*", "accounts\\.google\\.com", null, null);
        IdentityMatch match = IdentityMatcher.match(both, SignerIdentity.of(GITHUB_ACTIONS, WORKFLOW));
        assertThat(match).isEqualTo(new IdentityMatch.Mismatch(IdentityCriterion.ISSUER_REGEXP, "accounts\\.google\\.com",
                GITHUB_ACTIONS));
        assertThat(match.reason()).contains("has no match for the regular expression issuerRegExp");
    }

    @Test
    void subjectGlobAndRegExpMustBothHoldOnOneSubject() {
        IdentityRequirement requirement = IdentityRequirement.of(null, null, "https://github.com/org/*", "@refs/tags/v");
        assertThat(IdentityMatcher.match(requirement, SignerIdentity.of(GITHUB_ACTIONS, WORKFLOW)))
                .isEqualTo(new IdentityMatch.Mismatch(IdentityCriterion.SUBJECT_REGEXP, "@refs/tags/v", WORKFLOW));
        String tagged = "https://github.com/org/repo/.github/workflows/release.yml@refs/tags/v1.2";
        assertThat(IdentityMatcher.match(requirement, SignerIdentity.of(GITHUB_ACTIONS, tagged)))
                .isEqualTo(new IdentityMatch.Matched(GITHUB_ACTIONS, tagged));
    }

    @Test
    void subjectGlobFailureIsReportedBeforeTheRegExp() {
        IdentityRequirement requirement = IdentityRequirement.of(null, null, "https://gitlab.com/*", "x");
        assertThat(IdentityMatcher.match(requirement, SignerIdentity.of(GITHUB_ACTIONS, WORKFLOW)))
                .isEqualTo(new IdentityMatch.Mismatch(IdentityCriterion.SUBJECT, "https://gitlab.com/*", WORKFLOW));
    }

    @Test
    void anyOneSubjectAlternativeNameMayMeetTheSubjectCriteria() {
        SignerIdentity signer = new SignerIdentity(GITHUB_ACTIONS, List.of("mailto-less@example.com", WORKFLOW));
        IdentityRequirement requirement = IdentityRequirement.of(null, null, null, "^https://github\\.com/org/");
        assertThat(IdentityMatcher.match(requirement, signer)).isEqualTo(new IdentityMatch.Matched(GITHUB_ACTIONS, WORKFLOW));
    }

    @Test
    void certificateWithoutSubjectAlternativeNameFailsASubjectRequirement() {
        IdentityRequirement requirement = IdentityRequirement.of(null, null, "*", null);
        IdentityMatch match = IdentityMatcher.match(requirement, new SignerIdentity(GITHUB_ACTIONS, List.of()));
        assertThat(match).isEqualTo(new IdentityMatch.Mismatch(IdentityCriterion.SUBJECT, "*", ""));
        assertThat(match.reason()).contains("(none in the certificate)");
    }

    @Test
    void invalidRegExpIsRefusedWhenTheRequirementIsBuilt() {
        assertThatThrownBy(() -> IdentityRequirement.of(null, null, null, "(?=x)"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(?=x)");
    }
}
