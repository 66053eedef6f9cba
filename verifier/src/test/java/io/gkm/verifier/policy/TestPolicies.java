package io.gkm.verifier.policy;

import java.util.List;

/** Small hand-written ClusterPolicies for behaviour the seed policies do not exercise. */
final class TestPolicies {

    static final String HEADER = """
            apiVersion: kyverno.io/v1
            kind: ClusterPolicy
            metadata:
              name: test-policy
            spec:
              validationFailureAction: Enforce
              rules:
                - name: test-rule
            """;

    static final String MATCH_GKMCACHE = """
            match:
              any:
                - resources:
                    kinds: [GKMCache]
            """;

    static final String VERIFY_ANY_IMAGE = """
            verifyImages:
              - imageReferences: ["*"]
                attestors:
                  - entries:
                      - keyless:
                          issuer: https://issuer.example
                          subject: "*@example.com"
                          rekor:
                            url: https://rekor.example
            """;

    private TestPolicies() {}

    /** A one-rule policy whose rule has these fields (YAML written from column 0). */
    static String policy(String... ruleFields) {
        StringBuilder yaml = new StringBuilder(HEADER);
        for (String fields : ruleFields) {
            yaml.append(TestResources.indent(fields, 6)).append('\n');
        }
        return yaml.toString();
    }

    /** The standard test policy: GKMCache, any image, one keyless entry. */
    static String policy() {
        return policy(MATCH_GKMCACHE, VERIFY_ANY_IMAGE);
    }

    static List<ClusterPolicy> parse(String yaml) throws PolicyLoadException {
        return PolicyLoader.parse(yaml, "test.yaml");
    }

    static PolicyEngine engine(String... ruleFields) throws PolicyLoadException {
        return new PolicyEngine(parse(policy(ruleFields)));
    }
}
