package io.gkm.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.schemas.event.CacheTarget;
import io.gkm.schemas.event.VerificationResult;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventTypeTest {
    @Test
    void ceTypesAreTheDesignedOnes() {
        Map<EventType, String> ce = Stream.of(EventType.values()).collect(Collectors.toMap(t -> t, EventType::ceType));

        assertThat(ce).containsExactlyInAnyOrderEntriesOf(Map.of(
                EventType.ADMISSION, "io.gkm.admission.v1",
                EventType.RESOURCE, "io.gkm.resource.v1",
                EventType.VERIFICATION, "io.gkm.verification.v1",
                EventType.INSTALL_JOB, "io.gkm.installjob.v1",
                EventType.INSTALL_RESULT, "io.gkm.installresult.v1",
                EventType.NODE_INVENTORY, "io.gkm.nodeinventory.v1",
                EventType.AUDIT, "io.gkm.audit.v1",
                EventType.DEAD_LETTER, "io.gkm.deadletter.v1",
                EventType.AUDIT_LEDGER, "io.gkm.auditledger.v1"));
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void eachTypeIsFoundByCeTypeRecordAndClass(EventType type) throws Exception {
        assertThat(EventType.forCeType(type.ceType())).contains(type);
        assertThat(EventType.of(Events.full(type))).isEqualTo(type);
        assertThat(EventType.of(type.recordClass())).isEqualTo(type);
        assertThat(type.schema()).isSameAs(type.recordClass().getField("SCHEMA$").get(null));
        assertThat(type.schema().getNamespace()).isEqualTo("io.gkm.schemas.event");
    }

    @Test
    void unknownCeTypeIsEmpty() {
        assertThat(EventType.forCeType("io.gkm.verification.v2")).isEmpty();
        assertThat(EventType.forCeType(null)).isEmpty();
    }

    @Test
    void ofRejectsRecordsThatAreNotEvents() {
        assertThatThrownBy(() -> EventType.of(new CacheTarget("hip", "gfx90a", 64)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CacheTarget");
        assertThat(EventType.of(VerificationResult.class)).isEqualTo(EventType.VERIFICATION);
    }
}
