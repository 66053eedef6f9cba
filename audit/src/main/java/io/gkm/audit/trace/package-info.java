/** What {@code gkm audit trace} matches and prints, pure. */
package io.gkm.audit.trace;
