package io.gkm.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.gkm.schemas.EventCodec;
import io.gkm.schemas.event.AuditEvent;
import io.gkm.schemas.event.AuditLedgerEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChainCheckTest {
    private static final String LEDGER = "gkm.audit-ledger";
    private final EventCodec codec = EventCodec.INSTANCE;

    /** Runs a check over the entries as ledger records at offsets 0, 2, 4, ... (markers between). */
    private ChainCheck check(List<AuditLedgerEntry> entries) {
        ChainCheck check = new ChainCheck(LEDGER, codec);
        for (int i = 0; i < entries.size(); i++) {
            check.next(2L * i, codec.encode(entries.get(i)));
        }
        return check;
    }

    private static AuditLedgerEntry copy(AuditLedgerEntry e) {
        return AuditLedgerEntry.newBuilder(e).build();
    }

    @Test
    void anIntactChainChecksEveryEntryAndEndsAtItsLastHash() {
        List<AuditLedgerEntry> chain = AuditRecords.chain(5);

        ChainCheck check = check(chain);

        assertThat(check.broken()).isEmpty();
        assertThat(check.checked()).isEqualTo(5);
        assertThat(check.head()).isEqualTo(ChainTail.after(chain.get(4)));
    }

    @Test
    void anEmptyLedgerIsIntactAtTheGenesis() {
        ChainCheck check = check(List.of());

        assertThat(check.broken()).isEmpty();
        assertThat(check.checked()).isZero();
        assertThat(check.head()).isEqualTo(ChainTail.GENESIS);
    }

    @Test
    void anEntryWhoseRecordedBytesWereChangedIsNamedByItsSequenceAndOffset() {
        List<AuditLedgerEntry> chain = new ArrayList<>(AuditRecords.chain(4));
        AuditLedgerEntry forged = copy(chain.get(2));
        AuditEvent event = AuditEvent.newBuilder(forged.getEvent()).setOutcome("VERIFIED-FORGED").build();
        forged.setValue(ByteBuffer.wrap(codec.encode(event)));
        forged.setEvent(event);
        chain.set(2, forged);

        ChainCheck check = check(chain);

        BrokenLink broken = check.broken().orElseThrow();
        assertThat(broken.sequence()).isEqualTo(3);
        assertThat(broken.offset()).isEqualTo(4);
        assertThat(broken.what()).contains("is not the hash of the entry's content").contains("altered");
        assertThat(check.checked()).isEqualTo(2);
    }

    @Test
    void aDecodedEventThatItsBytesDoNotHoldIsCaughtThoughTheHashStillMatches() {
        List<AuditLedgerEntry> chain = new ArrayList<>(AuditRecords.chain(2));
        AuditLedgerEntry forged = copy(chain.get(1));
        forged.setEvent(AuditEvent.newBuilder(forged.getEvent()).setOutcome("VERIFIED-FORGED").build());
        chain.set(1, forged);

        BrokenLink broken = check(chain).broken().orElseThrow();

        assertThat(broken.sequence()).isEqualTo(2);
        assertThat(broken.what()).contains("VERIFIED-FORGED").contains("differs from the event its recorded bytes hold");
    }

    @Test
    void anEntryRehashedAfterAChangeBreaksTheNextLink() {
        List<AuditLedgerEntry> chain = new ArrayList<>(AuditRecords.chain(4));
        AuditLedgerEntry forged = copy(chain.get(1));
        forged.setSourceOffset(999);
        forged.setHash(ByteBuffer.wrap(LedgerHash.of(forged)));
        chain.set(1, forged);

        BrokenLink broken = check(chain).broken().orElseThrow();

        assertThat(broken.sequence()).isEqualTo(3);
        assertThat(broken.what()).startsWith("previousHash ").contains("is not the hash "
                + ChainTail.after(forged).hashHex() + " of sequence 2");
    }

    @Test
    void aMissingEntryIsAGapNamedByTheSequencesMissing() {
        List<AuditLedgerEntry> chain = new ArrayList<>(AuditRecords.chain(5));
        chain.remove(2);
        chain.remove(2);

        BrokenLink broken = check(chain).broken().orElseThrow();

        assertThat(broken.sequence()).isEqualTo(5);
        assertThat(broken.what()).isEqualTo("sequence 5 follows 2: entries 3..4 are missing");
    }

    @Test
    void aReorderedOrRepeatedEntryIsNamed() {
        List<AuditLedgerEntry> chain = AuditRecords.chain(4);
        List<AuditLedgerEntry> reordered = List.of(chain.get(0), chain.get(1), chain.get(3), chain.get(2));
        List<AuditLedgerEntry> repeated = List.of(chain.get(0), chain.get(1), chain.get(1));

        assertThat(check(reordered).broken().orElseThrow().what()).isEqualTo("sequence 4 follows 2: entries 3 are missing");
        BrokenLink again = check(repeated).broken().orElseThrow();
        assertThat(again.what()).isEqualTo("sequence 2 again after 2: a duplicate or reordered entry");
        assertThat(again.offset()).isEqualTo(4);
    }

    @Test
    void aChainNotStartingAtOneIsBroken() {
        List<AuditLedgerEntry> chain = AuditRecords.chain(3);

        BrokenLink broken = check(chain.subList(1, 3)).broken().orElseThrow();

        assertThat(broken.offset()).isZero();
        assertThat(broken.what()).isEqualTo("sequence 2 follows 0: entries 1 are missing");
    }

    @Test
    void aRecordThatIsNotALedgerEntryIsNamedByItsOffsetAndTheCheckStaysBroken() {
        List<AuditLedgerEntry> chain = AuditRecords.chain(3);
        ChainCheck check = new ChainCheck(LEDGER, codec);
        check.next(0, codec.encode(chain.get(0)));

        Optional<BrokenLink> broken = check.next(2, "junk".getBytes(StandardCharsets.UTF_8));
        Optional<BrokenLink> after = check.next(4, codec.encode(chain.get(1)));

        assertThat(broken.orElseThrow().sequence()).isNull();
        assertThat(broken.get().what()).startsWith("not a ledger entry: record on topic 'gkm.audit-ledger'");
        assertThat(after).isEqualTo(broken);
        assertThat(check.checked()).isEqualTo(1);
    }

    @Test
    void anUndecodableAuditRecordChainsAndChecksLikeAnyOther() {
        AuditLedgerEntry first = AuditRecords.chain(1).get(0);
        AuditLedgerEntry undecodable = ChainTail.after(first).append(AuditRecords.record(1, 5, "k",
                new byte[] {1, 2, 3}, List.of()), AuditRecords.T, codec);

        ChainCheck check = check(List.of(first, undecodable));

        assertThat(check.broken()).isEmpty();
        assertThat(check.checked()).isEqualTo(2);
    }
}
