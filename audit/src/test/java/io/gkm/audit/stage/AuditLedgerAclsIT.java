package io.gkm.audit.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.audit.read.LedgerReader;
import io.gkm.schemas.EventCodec;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.WithKafka;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/**
 * The audit stage as a Kafka user with only the ACLs deploy gives gkm-audit (group prefix
 * {@code <prefix>audit}, transactional id prefix {@code <prefix>audit.}, Describe/Read/Write on
 * the audit and ledger topics), on a broker that checks them.
 */
@WithKafka(authorizer = true)
class AuditLedgerAclsIT {
    private final KafkaCluster kafka;

    AuditLedgerAclsIT(KafkaCluster kafka) {
        this.kafka = kafka;
    }

    private void allow(String user, ResourceType type, String name, PatternType pattern, AclOperation... operations)
            throws Exception {
        List<AclBinding> bindings = new ArrayList<>();
        for (AclOperation op : operations) {
            bindings.add(new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW)));
        }
        kafka.admin().createAcls(bindings).all().get();
    }

    /** The deployed ACLs of gkm-audit, for this test's topics; the ledger topic Write only when asked. */
    private LedgerFixture asAuditUser(String name, boolean ledgerWrite) throws Exception {
        String user = kafka.uniqueName("gkm-audit");
        LedgerFixture f = new LedgerFixture(kafka, name, 2, kafka.clientProperties(user));
        allow(user, ResourceType.TOPIC, f.topics.audit(), PatternType.LITERAL, AclOperation.DESCRIBE, AclOperation.READ);
        allow(user, ResourceType.TOPIC, f.topics.auditLedger(), PatternType.LITERAL, ledgerWrite
                ? new AclOperation[] {AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE}
                : new AclOperation[] {AclOperation.DESCRIBE, AclOperation.READ});
        allow(user, ResourceType.GROUP, AuditLedgerStage.groupId(f.topics), PatternType.PREFIXED, AclOperation.READ);
        allow(user, ResourceType.TRANSACTIONAL_ID, f.topics.prefix() + AuditLedgerStage.STAGE + ".",
                PatternType.PREFIXED, AclOperation.DESCRIBE, AclOperation.WRITE);
        return f;
    }

    @Test
    void theStageAndVerifyRunWithTheDeployedAclsOfGkmAudit() throws Exception {
        LedgerFixture f = asAuditUser("acl-ok", true);
        f.audit("llama", 0, 30);

        f.appendUntil("audit-0", 30);

        try (LedgerReader reader = f.reader()) {
            assertThat(reader.verify(EventCodec.INSTANCE).checked()).isEqualTo(30);
        }
    }

    @Test
    void withoutWriteOnTheLedgerTheStageStopsNamingTheAclsItNeedsAndAppendsNothing() throws Exception {
        LedgerFixture f = asAuditUser("acl-no-write", false);
        f.audit("llama", 0, 3);

        Throwable failure = f.failureOf("audit-0");

        assertThat(failure).hasMessageContaining("stage audit is not allowed to use Kafka: its Kafka user "
                + "needs Read and Describe on topic " + f.topics.audit() + ", Read, Write and Describe on topic "
                + f.topics.auditLedger());
        assertThat(f.ledger()).isEmpty();
    }
}
