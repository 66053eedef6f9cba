package io.gkm.dispatcher.status;

import io.gkm.schemas.event.InstallOutcome;
import io.gkm.schemas.event.InstallResult;
import java.time.Instant;

/** InstallResults as a node-consumer writes them. */
final class Results {
    static final String DIGEST = "sha256:" + "ab".repeat(32);
    static final String NEW_DIGEST = "sha256:" + "cd".repeat(32);

    private Results() {
    }

    static InstallResult result(InstallOutcome outcome, String key, String node, String digest, String error) {
        return InstallResult.newBuilder()
                .setOutcome(outcome)
                .setJobId("job-" + outcome)
                .setAttempt(1)
                .setResourceKey(key)
                .setCluster(key.substring(0, key.indexOf('/')))
                .setNode(node)
                .setDigest(digest)
                .setBytes(outcome == InstallOutcome.INSTALLED ? 4096 : 0)
                .setFiles(outcome == InstallOutcome.INSTALLED ? 3 : 0)
                .setDurationMillis(120)
                .setError(error)
                .setFinishedAt(Instant.parse("2026-11-26T10:00:00Z"))
                .build();
    }
}
