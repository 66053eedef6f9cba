package io.gkm.ingest.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KubernetesPermissionsTest {
    @Test
    void ingestsClusterRulesReadAsOneClauseNamingExactlyTheirVerbs() {
        assertThat(KubernetesPermissions.describe(KubernetesPermissions.INGEST))
                .isEqualTo("list and watch on gkmcaches and clustergkmcaches of gkm.io");
    }

    @Test
    void theLeaseRuleNamesItsThreeVerbsAndGroup() {
        assertThat(KubernetesPermissions.describe(KubernetesPermissions.INGEST_LEASE))
                .isEqualTo("get, create and patch on leases of coordination.k8s.io");
    }

    @Test
    void rulesOfOtherVerbsOrGroupsGetClausesOfTheirOwn() {
        List<KubernetesPermissions.Rule> rules = List.of(
                new KubernetesPermissions.Rule("", "configmaps", List.of("get")),
                new KubernetesPermissions.Rule("gkm.io", "gkmcaches", List.of("list")),
                new KubernetesPermissions.Rule("", "secrets", List.of("get")));

        assertThat(KubernetesPermissions.describe(rules))
                .isEqualTo("get on configmaps and secrets of the core API group; list on gkmcaches of gkm.io");
    }
}
