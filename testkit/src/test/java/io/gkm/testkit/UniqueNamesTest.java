package io.gkm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.internals.Topic;
import org.junit.jupiter.api.Test;

class UniqueNamesTest {

    /** Repository name grammar of the OCI distribution spec. */
    private static final Pattern OCI_REPOSITORY =
            Pattern.compile("[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*");

    @Test
    void kafkaNamesAreLegalTopicsAndUnique() {
        Set<String> seen = new HashSet<>();
        for (String prefix : new String[] {"gkm.jobs", "with space/and:colon", "", "..", "x".repeat(400), "ünï"}) {
            for (int i = 0; i < 50; i++) {
                String name = UniqueNames.kafka(prefix);
                assertThatCode(() -> Topic.validate(name)).as(name).doesNotThrowAnyException();
                assertThat(seen.add(name)).as("unique: " + name).isTrue();
            }
        }
        assertThat(UniqueNames.kafka("gkm.audit")).startsWith("gkm.audit-");
    }

    @Test
    void ociRepositoriesMatchTheDistributionGrammarAndAreUnique() {
        Set<String> seen = new HashSet<>();
        for (String prefix : new String[] {"gkm/cache", "Upper/Case__x--", "/lead//slash/", "", "a..b", "x".repeat(300)}) {
            for (int i = 0; i < 50; i++) {
                String name = UniqueNames.ociRepository(prefix);
                assertThat(name).matches(OCI_REPOSITORY);
                assertThat(name.length()).isLessThanOrEqualTo(255);
                assertThat(seen.add(name)).isTrue();
            }
        }
        assertThat(UniqueNames.ociRepository("gkm/cache")).startsWith("gkm/cache-");
    }
}
