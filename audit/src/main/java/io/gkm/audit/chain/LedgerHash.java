package io.gkm.audit.chain;

import io.gkm.schemas.event.AuditLedgerEntry;
import io.gkm.schemas.event.LedgerHeader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hash of a ledger entry: SHA-256 over its canonical bytes, which are, in this order:
 *
 * <ol>
 *   <li>the version tag {@value #VERSION} (a byte string)</li>
 *   <li>previousHash (a byte string)</li>
 *   <li>sequence (long), recordedAt (long, epoch milliseconds)</li>
 *   <li>sourceTopic (string), sourcePartition (int), sourceOffset (long), sourceTimestamp (long, epoch ms)</li>
 *   <li>key (byte string or null)</li>
 *   <li>the number of headers (int), then each header's name (string) and value (byte string or null), in order</li>
 *   <li>value (byte string or null): the audit record's bytes exactly as received</li>
 * </ol>
 *
 * An int is 4 bytes and a long 8 bytes, big-endian; a byte string is its length as an int and
 * then its bytes, a string its UTF-8 bytes so, and null the length -1 with no bytes. Every field
 * has its length, so two different entries never share canonical bytes. The decoded event and
 * the undecodable reason are not hashed: both follow from value, and {@link ChainCheck} holds
 * them to it.
 */
public final class LedgerHash {
    /** Names this canonical form; a different one would be a new tag. */
    public static final String VERSION = "gkm.auditledger.v1";
    /** Length of a SHA-256 hash. */
    public static final int LENGTH = 32;

    private LedgerHash() {
    }

    /** SHA-256 of {@link #canonicalBytes}. */
    public static byte[] of(AuditLedgerEntry entry) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(canonicalBytes(entry));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The bytes the hash is taken over (see the class comment). */
    public static byte[] canonicalBytes(AuditLedgerEntry entry) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + remaining(entry.getValue()));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            string(out, VERSION);
            bytes(out, entry.getPreviousHash());
            out.writeLong(entry.getSequence());
            out.writeLong(entry.getRecordedAt().toEpochMilli());
            string(out, entry.getSourceTopic());
            out.writeInt(entry.getSourcePartition());
            out.writeLong(entry.getSourceOffset());
            out.writeLong(entry.getSourceTimestamp().toEpochMilli());
            bytes(out, entry.getKey());
            out.writeInt(entry.getHeaders().size());
            for (LedgerHeader h : entry.getHeaders()) {
                string(out, h.getName());
                bytes(out, h.getValue());
            }
            bytes(out, entry.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen writing to memory", e);
        }
        return bytes.toByteArray();
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void bytes(DataOutputStream out, ByteBuffer buffer) throws IOException {
        if (buffer == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = array(buffer);
        out.writeInt(b.length);
        out.write(b);
    }

    /** The buffer's remaining bytes, leaving its position alone (Avro hands out shared buffers). */
    public static byte[] array(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static int remaining(ByteBuffer buffer) {
        return buffer == null ? 0 : buffer.remaining();
    }
}
