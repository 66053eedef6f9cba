/**
 * The ledger's hash chain, pure: {@link io.gkm.audit.chain.LedgerHash} (the canonical bytes of an
 * entry and their SHA-256), {@link io.gkm.audit.chain.ChainTail} (appending an audit record as the
 * next entry), {@link io.gkm.audit.chain.ChainCheck} (checking a ledger entry by entry, and
 * naming the first {@link io.gkm.audit.chain.BrokenLink}).
 *
 * <p>What the chain proves: every entry's content, its place and the entries before it are as
 * they were written, since changing, dropping, reordering or repeating one breaks a link at it.
 * What it does not: whoever may write the ledger topic can append entries that chain correctly,
 * or write a whole new chain; the head hash that {@code gkm audit verify} prints, kept somewhere
 * else, is what shows that. Kafka ACLs (only gkm-audit writes the ledger) do the rest.
 */
package io.gkm.audit.chain;
