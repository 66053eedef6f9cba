package io.gkm.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.schemas.event.AuditLedgerEntry;
import io.gkm.schemas.event.LedgerHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LedgerHashTest {
    private static AuditLedgerEntry small() {
        return AuditLedgerEntry.newBuilder()
                .setSequence(1)
                .setPreviousHash(ByteBuffer.wrap(new byte[32]))
                .setHash(ByteBuffer.wrap(new byte[0]))
                .setRecordedAt(Instant.ofEpochMilli(2))
                .setSourceTopic("t")
                .setSourcePartition(3)
                .setSourceOffset(4)
                .setSourceTimestamp(Instant.ofEpochMilli(5))
                .setKey(null)
                .setHeaders(List.of(new LedgerHeader("h", ByteBuffer.wrap(new byte[] {6})),
                        new LedgerHeader("n", null)))
                .setValue(ByteBuffer.wrap(new byte[] {7, 8}))
                .build();
    }

    @Test
    void canonicalBytesAreTheDocumentedLayout() throws Exception {
        ByteBuffer expected = ByteBuffer.allocate(200);
        byte[] tag = "gkm.auditledger.v1".getBytes(StandardCharsets.US_ASCII);
        expected.putInt(tag.length).put(tag);
        expected.putInt(32).put(new byte[32]);
        expected.putLong(1).putLong(2);
        expected.putInt(1).put((byte) 't').putInt(3).putLong(4).putLong(5);
        expected.putInt(-1); // no key
        expected.putInt(2).putInt(1).put((byte) 'h').putInt(1).put((byte) 6).putInt(1).put((byte) 'n').putInt(-1);
        expected.putInt(2).put((byte) 7).put((byte) 8);
        byte[] bytes = new byte[expected.position()];
        expected.flip().get(bytes);

        assertThat(LedgerHash.canonicalBytes(small())).isEqualTo(bytes);
        assertThat(LedgerHash.of(small())).isEqualTo(MessageDigest.getInstance("SHA-256").digest(bytes));
        // pinned (computed apart with Python's hashlib from the documented layout): entries hashed
        // years ago must still verify, so the format must not change unnoticed
        assertThat(HexFormat.of().formatHex(LedgerHash.of(small())))
                .isEqualTo("aa7b61b7e825d0a3918d74d11f9d23b2a723bafb87fc64f95d5d4ac1c200bded");
    }

    @ParameterizedTest
    @ValueSource(strings = {"previousHash", "sequence", "recordedAt", "sourceTopic", "sourcePartition", "sourceOffset",
            "sourceTimestamp", "key", "headerValue", "headerName", "headerOrder", "value", "valueByte"})
    void changingAnyHashedFieldChangesTheHash(String field) {
        AuditLedgerEntry changed = small();
        Consumer<AuditLedgerEntry> change = switch (field) {
            case "previousHash" -> e -> e.setPreviousHash(ByteBuffer.wrap(new byte[] {1}));
            case "sequence" -> e -> e.setSequence(2);
            case "recordedAt" -> e -> e.setRecordedAt(Instant.ofEpochMilli(3));
            case "sourceTopic" -> e -> e.setSourceTopic("u");
            case "sourcePartition" -> e -> e.setSourcePartition(4);
            case "sourceOffset" -> e -> e.setSourceOffset(5);
            case "sourceTimestamp" -> e -> e.setSourceTimestamp(Instant.ofEpochMilli(6));
            case "key" -> e -> e.setKey(ByteBuffer.wrap(new byte[0]));
            case "headerValue" -> e -> e.setHeaders(List.of(new LedgerHeader("h", ByteBuffer.wrap(new byte[] {9})),
                    new LedgerHeader("n", null)));
            case "headerName" -> e -> e.setHeaders(List.of(new LedgerHeader("H", ByteBuffer.wrap(new byte[] {6})),
                    new LedgerHeader("n", null)));
            case "headerOrder" -> e -> e.setHeaders(List.of(new LedgerHeader("n", null),
                    new LedgerHeader("h", ByteBuffer.wrap(new byte[] {6}))));
            case "value" -> e -> e.setValue(null);
            case "valueByte" -> e -> e.setValue(ByteBuffer.wrap(new byte[] {7, 9}));
            default -> throw new IllegalArgumentException(field);
        };
        change.accept(changed);

        assertThat(LedgerHash.of(changed)).isNotEqualTo(LedgerHash.of(small()));
    }

    @Test
    void bytesMovedAcrossAFieldBoundaryChangeTheHash() {
        AuditLedgerEntry a = small();
        a.setKey(ByteBuffer.wrap(new byte[] {1, 2}));
        a.setHeaders(List.of());
        a.setValue(ByteBuffer.wrap(new byte[] {3}));
        AuditLedgerEntry b = small();
        b.setKey(ByteBuffer.wrap(new byte[] {1}));
        b.setHeaders(List.of());
        b.setValue(ByteBuffer.wrap(new byte[] {2, 3}));

        assertThat(LedgerHash.of(a)).isNotEqualTo(LedgerHash.of(b));
    }

    @Test
    void theStoredHashAndTheDecodedEventAreNotHashedSoHashingDoesNotDependOnThem() {
        AuditLedgerEntry e = small();
        byte[] before = LedgerHash.of(e);
        e.setHash(ByteBuffer.wrap(before));
        e.setUndecodable("why");

        assertThat(LedgerHash.of(e)).isEqualTo(before);
    }

    @Test
    void readingTheBuffersLeavesTheirPositionsAlone() {
        AuditLedgerEntry e = small();
        LedgerHash.of(e);

        assertThat(e.getValue().remaining()).isEqualTo(2);
        assertThat(e.getPreviousHash().remaining()).isEqualTo(32);
    }
}
