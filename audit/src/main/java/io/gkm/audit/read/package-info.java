/** Reading the ledger topic as committed: its last entry, and the whole of it for verify and trace. */
package io.gkm.audit.read;
