package io.gkm.nodeconsumer.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.core.cache.CacheLayout;
import io.gkm.core.image.Digest;
import io.gkm.core.stage.Decision;
import io.gkm.core.stage.Inbound;
import io.gkm.nodeconsumer.extract.ExtractLimits;
import io.gkm.schemas.CloudEventHeaders;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.Topics;
import io.gkm.schemas.event.Gpu;
import io.gkm.schemas.event.InstallJob;
import io.gkm.schemas.event.InstallOutcome;
import io.gkm.schemas.event.InstallResult;
import io.gkm.schemas.event.JobAction;
import io.gkm.schemas.event.NodeInventory;
import io.gkm.verifier.oci.RegistryClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handler's checks and answers on a real cache folder in a temp dir; the jobs here never reach
 * the registry (refused before, or answered from the disk).
 */
class InstallHandlerTest {
    private static final Digest DIGEST = Digest.parse("sha256:" + "ab".repeat(32));
    private static final Digest OTHER = Digest.parse("sha256:" + "cd".repeat(32));
    private static final ResourceKey KEY = ResourceKey.namespaced("c1", "team-a", "GKMCache", "vector-add");
    private static final String REPO = "registry.example.com/gkm/vector-add";

    @TempDir
    Path root;

    private final Topics topics = new Topics();

    private CacheLayout layout() {
        return new CacheLayout(root);
    }

    /** GKM's usage root, beside the cache root. */
    private CacheLayout usage() {
        return new CacheLayout(root.resolveSibling(root.getFileName() + "-usage"));
    }

    private InstallHandler handler() {
        CacheInstaller installer = new CacheInstaller(layout(), usage(), RegistryClient.builder().build(),
                new ExtractLimits(1 << 20, 100, 100), List::<Gpu>of, "gpu-1");
        return new InstallHandler(installer, topics, "c1", "gpu-1", Clock.systemUTC());
    }

    private static Inbound inbound(Object event) {
        return new Inbound("gkm.jobs.c1.gpu-1", 0, 0, KEY.toString(), new CloudEventHeaders("id-1", "/gkm/c1/dispatcher/0",
                "io.gkm.installjob.v1", Instant.now(), KEY.toString(), "corr-1"),
                (org.apache.avro.specific.SpecificRecord) event);
    }

    private InstallJob job(JobAction action, Digest digest) {
        return Jobs.job(action, layout(), KEY, "c1", "gpu-1", REPO, digest);
    }

    private static InstallResult result(Decision d) {
        assertThat(d.outputs()).singleElement().satisfies(o -> {
            assertThat(o.topic()).isEqualTo("gkm.install-results");
            assertThat(o.key()).isEqualTo(KEY.toString());
        });
        assertThat(d.audits()).singleElement().satisfies(a -> assertThat(a.resourceKey()).isEqualTo(KEY.toString()));
        return (InstallResult) d.outputs().get(0).event();
    }

    @Test
    void targetPathOutsideTheCacheFolderIsFailedAndAudited() {
        InstallJob job = job(JobAction.INSTALL, DIGEST);
        job.setTargetPath("/etc/cron.d");
        Decision d = handler().decide(inbound(job));
        InstallResult r = result(d);
        assertThat(r.getOutcome()).isEqualTo(InstallOutcome.FAILED);
        assertThat(r.getError()).contains("target path '/etc/cron.d' is not the cache's digest folder");
        assertThat(d.audits().get(0).outcome()).isEqualTo("FAILED");
        assertThat(d.audits().get(0).details()).containsEntry("targetPath", "/etc/cron.d")
                .containsEntry("jobId", job.getJobId());
    }

    @Test
    void targetPathThatClimbsOutOfTheRootIsFailed() {
        InstallJob job = job(JobAction.REMOVE, DIGEST);
        job.setTargetPath(layout().digestDir(KEY, DIGEST) + "/../../../../..");
        assertThat(result(handler().decide(inbound(job))).getError()).contains("is not the cache's digest folder");
    }

    @Test
    void targetPathThatIsNoPathAtAllIsFailed() {
        InstallJob job = job(JobAction.INSTALL, DIGEST);
        job.setTargetPath("/var/lib/gkm/caches/\0evil");
        assertThat(result(handler().decide(inbound(job))).getError()).contains("is not the cache's digest folder");
    }

    @Test
    void targetPathOfAnotherDigestIsFailed() {
        InstallJob job = job(JobAction.INSTALL, DIGEST);
        job.setTargetPath(layout().digestDir(KEY, OTHER).toString());
        assertThat(result(handler().decide(inbound(job))).getOutcome()).isEqualTo(InstallOutcome.FAILED);
    }

    @Test
    void imageNotPinnedByTheJobsDigestIsFailed() {
        InstallJob tagged = job(JobAction.INSTALL, DIGEST);
        tagged.setImage(REPO + ":latest");
        assertThat(result(handler().decide(inbound(tagged))).getError()).contains("not pinned by the job's digest");
        InstallJob other = job(JobAction.INSTALL, DIGEST);
        other.setImage(REPO + "@" + OTHER);
        assertThat(result(handler().decide(inbound(other))).getError()).contains("not pinned by the job's digest");
    }

    @Test
    void jobForAnotherNodeIsFailedAndReportedByThisNodeNotWrittenOntoTheOther() {
        InstallJob job = Jobs.job(JobAction.INSTALL, layout(), KEY, "c1", "gpu-2", REPO, DIGEST);

        InstallResult r = result(handler().decide(inbound(job)));

        assertThat(r.getError()).contains("job for node c1/gpu-2 reached node c1/gpu-1");
        assertThat(r.getOutcome()).isEqualTo(InstallOutcome.FAILED);
        assertThat(r.getCluster() + "/" + r.getNode()).isEqualTo("c1/gpu-1");
    }

    @Test
    void jobWhoseDigestDoesNotParseIsFailedWithTheReason() {
        InstallJob job = job(JobAction.INSTALL, DIGEST);
        job.setDigest("md5:1234");
        assertThat(result(handler().decide(inbound(job))).getError()).startsWith("the job names no cache folder");
    }

    @Test
    void installOfADigestAlreadyExtractedIsAlreadyPresentAndRecordedInCacheJson() throws IOException {
        Files.createDirectories(layout().digestDir(KEY, DIGEST).resolve("io.triton.cache"));
        Files.writeString(layout().digestDir(KEY, DIGEST).resolve("io.triton.cache/k.hsaco"), "12345");
        InstallResult r = result(handler().decide(inbound(job(JobAction.INSTALL, DIGEST))));
        assertThat(r.getOutcome()).isEqualTo(InstallOutcome.ALREADY_PRESENT);
        assertThat(r.getError()).isNull();
        assertThat(CacheMetadata.read(layout().metadataFile(KEY)).sizes()).containsEntry(DIGEST.toString(), 5L);
    }

    @Test
    void removeDeletesTheDigestFolderAndTheCacheOnceNoDigestIsLeft() throws IOException {
        Path digestDir = layout().digestDir(KEY, DIGEST);
        Files.createDirectories(digestDir.resolve("io.triton.cache/A"));
        Files.writeString(digestDir.resolve("io.triton.cache/A/k.hsaco"), "123");
        Files.writeString(digestDir.resolve("io.triton.cache/A/k.json"), "{}");
        new CacheMetadata(DIGEST.toString(), REPO + "@" + DIGEST, java.util.Map.of(DIGEST.toString(), 5L))
                .write(layout().metadataFile(KEY));
        Decision d = handler().decide(inbound(job(JobAction.REMOVE, DIGEST)));
        InstallResult r = result(d);
        assertThat(r.getOutcome()).isEqualTo(InstallOutcome.REMOVED);
        assertThat(r.getFiles()).isEqualTo(2);
        assertThat(r.getBytes()).isEqualTo(5);
        assertThat(d.audits().get(0).action()).isEqualTo("remove");
        assertThat(layout().cacheDir(KEY)).doesNotExist();
        assertThat(root.resolve("team-a")).doesNotExist();
        assertThat(root).exists();
        // Moved out of the layout in one rename, then deleted from the staging folder.
        try (var left = Files.list(root.resolve(CacheInstaller.STAGING_DIR))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void removeKeepsOtherDigestsAndUpdatesCacheJsonAsGkmDoes() throws IOException {
        Files.createDirectories(layout().digestDir(KEY, DIGEST));
        Files.createDirectories(layout().digestDir(KEY, OTHER));
        new CacheMetadata(DIGEST.toString(), REPO + "@" + DIGEST,
                java.util.Map.of(DIGEST.toString(), 5L, OTHER.toString(), 7L)).write(layout().metadataFile(KEY));
        assertThat(result(handler().decide(inbound(job(JobAction.REMOVE, DIGEST)))).getOutcome())
                .isEqualTo(InstallOutcome.REMOVED);
        assertThat(layout().digestDir(KEY, DIGEST)).doesNotExist();
        assertThat(layout().digestDir(KEY, OTHER)).isDirectory();
        CacheMetadata left = CacheMetadata.read(layout().metadataFile(KEY));
        assertThat(left.resolvedDigest()).isEmpty();
        assertThat(left.sizes()).containsOnlyKeys(OTHER.toString());
    }

    @Test
    void removeOfACacheThatGkmsCsiDriverRecordsAsMountedIsFailedAndTheCacheKept() throws IOException {
        Path digestDir = Files.createDirectories(layout().digestDir(KEY, DIGEST).resolve("io.triton.cache"));
        Path usageFile = usage().digestDir(KEY, DIGEST).resolve("usage.json");
        Files.createDirectories(usageFile.getParent());
        Files.writeString(usageFile, "{\"cr_name\":\"vector-add\",\"cr_namespace\":\"team-a\",\"digest\":\""
                + DIGEST + "\",\"pods\":[{\"podNamespace\":\"team-a\",\"podName\":\"infer-0\"}],\"ref_count\":1}");
        InstallResult r = result(handler().decide(inbound(job(JobAction.REMOVE, DIGEST))));
        assertThat(r.getOutcome()).isEqualTo(InstallOutcome.FAILED);
        assertThat(r.getError()).contains("is in use").contains(usageFile.toString());
        assertThat(digestDir).isDirectory();
    }

    @Test
    void removeOfWhatIsNotInstalledIsRemovedWithNothingDeleted() {
        InstallResult r = result(handler().decide(inbound(job(JobAction.REMOVE, DIGEST))));
        assertThat(r.getOutcome()).isEqualTo(InstallOutcome.REMOVED);
        assertThat(r.getFiles()).isZero();
    }

    @Test
    void removeNeverFollowsALinkOutOfTheDigestFolder() throws IOException {
        Path outside = Files.createDirectories(root.resolveSibling(root.getFileName() + "-outside"));
        Files.writeString(outside.resolve("keep.txt"), "keep");
        Path digestDir = Files.createDirectories(layout().digestDir(KEY, DIGEST));
        Files.createSymbolicLink(digestDir.resolve("link"), outside);
        assertThat(result(handler().decide(inbound(job(JobAction.REMOVE, DIGEST)))).getOutcome())
                .isEqualTo(InstallOutcome.REMOVED);
        assertThat(outside.resolve("keep.txt")).hasContent("keep");
    }

    @Test
    void whatACrashedNodeConsumerLeftInStagingIsClearedAndNoDigestFolderIsTouched() throws IOException {
        Path leftover = Files.createDirectories(root.resolve(CacheInstaller.STAGING_DIR).resolve("job-1/content/io.triton.cache"));
        Files.writeString(leftover.resolve("half.hsaco"), "12");
        Path installed = Files.createDirectories(layout().digestDir(KEY, DIGEST));
        new CacheInstaller(layout(), usage(), RegistryClient.builder().build(), new ExtractLimits(1 << 20, 100, 100),
                List::<Gpu>of, "gpu-1").clearStaging();
        assertThat(root.resolve(CacheInstaller.STAGING_DIR)).doesNotExist();
        assertThat(installed).isDirectory();
    }

    @Test
    void anEventThatIsNotAJobIsRejectedForTheDeadLetterTopic() {
        NodeInventory notAJob = NodeInventory.newBuilder().setCluster("c1").setNode("gpu-1").setGpus(List.of())
                .setReportedAt(Instant.now()).build();
        assertThatThrownBy(() -> handler().decide(inbound(notAJob))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reads InstallJobs");
    }
}
