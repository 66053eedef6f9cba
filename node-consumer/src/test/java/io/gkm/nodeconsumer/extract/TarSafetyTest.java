package io.gkm.nodeconsumer.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gkm.testkit.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every {@link TarSafety} rule, each with a real tar built at test time and named after the failure it shows. */
class TarSafetyTest {
    private static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final String TAR = "application/vnd.oci.image.layer.v1.tar";
    private static final ExtractLimits LIMITS = new ExtractLimits(10L << 20, 1000, 100);

    @TempDir
    Path dir;

    private Path target() throws IOException {
        return Files.createDirectories(dir.resolve("target"));
    }

    private TarSafety.Unpacked unpack(ExtractLimits limits, byte[] layer) throws IOException {
        TarSafety safety = new TarSafety(limits, target());
        safety.unpack(GZIP, new ByteArrayInputStream(layer), "layer 1");
        return safety.unpacked();
    }

    private TarSafety.Unpacked unpack(byte[] layer) throws IOException {
        return unpack(LIMITS, layer);
    }

    private void assertRefused(byte[] layer, String... messageParts) {
        assertRefused(LIMITS, layer, messageParts);
    }

    private void assertRefused(ExtractLimits limits, byte[] layer, String... messageParts) {
        var thrown = assertThatThrownBy(() -> new TarSafety(limits, Files.createTempDirectory(dir, "refused"))
                .unpack(GZIP, new ByteArrayInputStream(layer), "layer 1")).isInstanceOf(UnsafeLayerException.class)
                .hasMessageStartingWith("layer 1");
        for (String part : messageParts) {
            thrown.hasMessageContaining(part);
        }
        assertThat(dir.resolve("etc")).doesNotExist();
        assertThat(Path.of("/tmp/gkm-escaped")).doesNotExist();
    }

    private static TarBuilder cache() {
        return new TarBuilder().dir("io.triton.cache").dir("io.triton.cache/ABC")
                .file("io.triton.cache/ABC/add_kernel.hsaco", "binary");
    }

    @Test
    void gzipCacheLayerIsUnpackedWithItsCacheFoldersOnly() throws IOException {
        TarSafety.Unpacked unpacked = unpack(cache().file("io.triton.manifest/manifest.json", "{}")
                .file("etc/motd", "hello").tarGz());
        assertThat(unpacked.files()).isEqualTo(2);
        assertThat(unpacked.bytes()).isEqualTo("binary".length() + 2);
        assertThat(target().resolve("io.triton.cache/ABC/add_kernel.hsaco")).hasContent("binary");
        assertThat(target().resolve("io.triton.manifest/manifest.json")).hasContent("{}");
        assertThat(target().resolve("etc")).doesNotExist();
        assertThat(unpacked.skipped()).containsExactly("etc/motd");
        assertThat(unpacked.skippedCount()).isEqualTo(1);
    }

    @Test
    void plainTarIsToldFromItsBytesWhateverTheMediaTypeSays() throws IOException {
        TarSafety safety = new TarSafety(LIMITS, target());
        safety.unpack(GZIP, new ByteArrayInputStream(cache().tar()), "layer 1");
        assertThat(safety.unpacked().files()).isEqualTo(1);
        safety.unpack(TAR, new ByteArrayInputStream(new TarBuilder().file("io.vllm.cache/x", "v").tarGz()), "layer 2");
        assertThat(target().resolve("io.vllm.cache/x")).hasContent("v");
    }

    @Test
    void tarWithParentPath() {
        assertRefused(cache().file("io.triton.cache/../../etc/passwd", "root::0:0").tarGz(), "'..' segment",
                "io.triton.cache/../../etc/passwd");
    }

    @Test
    void tarWithAbsolutePath() {
        assertRefused(cache().file("/tmp/gkm-escaped", "x").tarGz(), "absolute path", "/tmp/gkm-escaped");
    }

    @Test
    void tarWithSymlinkEscape() {
        assertRefused(new TarBuilder().dir("io.triton.cache").symlink("io.triton.cache/evil", "../../../../etc")
                .file("io.triton.cache/evil/passwd", "x").tarGz(), "symbolic link", "../../../../etc");
    }

    @Test
    void tarWithSymlinkInsideTheCacheIsRefusedToo() {
        assertRefused(cache().symlink("io.triton.cache/ABC/alias.hsaco", "add_kernel.hsaco").tarGz(), "symbolic link");
    }

    @Test
    void tarWithHardLink() {
        assertRefused(cache().hardLink("io.triton.cache/passwd", "/etc/passwd").tarGz(), "hard link");
    }

    @Test
    void tarWithDeviceFile() {
        assertRefused(cache().special("io.triton.cache/sda", TarConstants.LF_BLK).tarGz(), "device file");
        assertRefused(cache().special("io.triton.cache/mem", TarConstants.LF_CHR).tarGz(), "device file");
    }

    @Test
    void tarWithFifo() {
        assertRefused(cache().special("io.triton.cache/pipe", TarConstants.LF_FIFO).tarGz(), "FIFO");
    }

    @Test
    void tarWithHostileEntryOutsideTheCacheFoldersIsRefusedNotSkipped() {
        assertRefused(cache().symlink("root", "/").tarGz(), "symbolic link", "'root'");
    }

    @Test
    void tarOverSizeLimit() {
        ExtractLimits small = new ExtractLimits(4096, 1000, 100);
        assertRefused(small, cache().file("io.triton.cache/big.bin", new byte[8192], 0100644).tarGz(),
                "GKM_EXTRACT_MAX_BYTES");
    }

    @Test
    void tarOverSizeLimitAcrossLayers() throws IOException {
        ExtractLimits limits = new ExtractLimits(40_000, 1000, 100);
        TarSafety safety = new TarSafety(limits, target());
        byte[] half = new byte[15_000];
        Arrays.fill(half, (byte) 'x');
        safety.unpack(GZIP, new ByteArrayInputStream(new TarBuilder().file("io.triton.cache/a", half, 0100644)
                .tarGz()), "layer 1");
        assertThatThrownBy(() -> safety.unpack(GZIP, new ByteArrayInputStream(new TarBuilder()
                .file("io.triton.cache/b", half, 0100644).file("io.triton.cache/c", half, 0100644).tarGz()),
                "layer 2")).isInstanceOf(UnsafeLayerException.class).hasMessageContaining("GKM_EXTRACT_MAX_BYTES");
    }

    @Test
    void tarOverFileLimit() {
        TarBuilder many = new TarBuilder();
        for (int i = 0; i < 12; i++) {
            many.file("io.triton.cache/f" + i, "x");
        }
        assertRefused(new ExtractLimits(1 << 20, 10, 100), many.tarGz(), "more than 10 entries", "GKM_EXTRACT_MAX_FILES");
    }

    @Test
    void gzipBomb() {
        // 64 MiB of zeros squeezes into about 64 KiB: a ratio near 1000, far past 100.
        byte[] bomb = new TarBuilder().zeros("io.triton.cache/zeros.bin", 64L << 20).tarGz();
        assertThat(bomb.length).isLessThan(1 << 20);
        assertRefused(new ExtractLimits(1L << 30, 1000, 100), bomb, "gzip bomb", "GKM_EXTRACT_MAX_RATIO");
    }

    @Test
    void gzipBombOfAnEntryOutsideTheCacheIsCaughtWhileSkippingIt() {
        byte[] bomb = new TarBuilder().zeros("junk/zeros.bin", 64L << 20).tarGz();
        assertRefused(new ExtractLimits(1L << 30, 1000, 100), bomb, "gzip bomb");
    }

    @Test
    void tarWithDuplicateEntry() {
        assertRefused(cache().file("io.triton.cache/ABC/add_kernel.hsaco", "other").tarGz(), "given twice");
    }

    @Test
    void tarWithFileAndFolderOfTheSameName() {
        assertRefused(cache().dir("io.triton.cache/ABC/add_kernel.hsaco").tarGz(), "given twice");
    }

    @Test
    void folderRepeatedInALaterLayerIsFine() throws IOException {
        TarSafety safety = new TarSafety(LIMITS, target());
        safety.unpack(GZIP, new ByteArrayInputStream(cache().tarGz()), "layer 1");
        safety.unpack(GZIP, new ByteArrayInputStream(new TarBuilder().dir("io.triton.cache")
                .file("io.triton.cache/DEF/k.json", "{}").tarGz()), "layer 2");
        assertThat(safety.unpacked().files()).isEqualTo(2);
    }

    @Test
    void tarWithOciWhiteout() {
        assertRefused(cache().file("io.triton.cache/.wh.ABC", "").tarGz(), "whiteout");
        assertRefused(cache().file("io.triton.cache/.wh..wh..opq", "").tarGz(), "whiteout");
    }

    @Test
    void tarWithBackslashInName() {
        assertRefused(cache().file("io.triton.cache\\..\\..\\x", "x").tarGz(), "backslash");
    }

    @Test
    void zstdLayerIsRefusedByItsMediaType() {
        assertThatThrownBy(() -> new TarSafety(LIMITS, target()).unpack("application/vnd.oci.image.layer.v1.tar+zstd",
                new ByteArrayInputStream(cache().tar()), "layer 1")).isInstanceOf(UnsafeLayerException.class)
                .hasMessageContaining("zstd");
    }

    @Test
    void truncatedGzipLayerIsRefused() {
        byte[] layer = cache().file("io.triton.cache/more", new byte[100_000], 0100644).tarGz();
        assertRefused(Arrays.copyOf(layer, layer.length / 2));
    }

    @Test
    void setuidSetgidStickyAndGroupOtherWriteAreStripped() throws IOException {
        unpack(new TarBuilder().file("io.triton.cache/suid", "x".getBytes(StandardCharsets.UTF_8), 0107777).tarGz());
        Path file = target().resolve("io.triton.cache/suid");
        assertThat(((Integer) Files.getAttribute(file, "unix:mode")) & 07777).isEqualTo(0755);
    }

    @Test
    void ownerMayAlwaysReadAndWriteWhatWasUnpacked() throws IOException {
        unpack(new TarBuilder().file("io.triton.cache/ro", "x".getBytes(StandardCharsets.UTF_8), 0100000).tarGz());
        assertThat(((Integer) Files.getAttribute(target().resolve("io.triton.cache/ro"), "unix:mode")) & 07777)
                .isEqualTo(0600);
    }

    @Test
    void nameNormalisationDropsDotSegmentsAndRefusesParents() {
        assertThat(TarSafety.checkedName("./io.triton.cache//a/./b", "l")).isEqualTo("io.triton.cache/a/b");
        assertThat(TarSafety.checkedName("./", "l")).isEmpty();
        assertThatThrownBy(() -> TarSafety.checkedName("a/..", "l")).isInstanceOf(UnsafeLayerException.class);
    }

    @Test
    void realGkmRocmCacheLayerUnpacksToItsTritonCacheAndManifest() throws IOException {
        Path archive = Fixtures.path("gkm/mcv/example/vector-add-cache-rocm.tar");
        TarSafety safety = new TarSafety(new ExtractLimits(10L << 30, 100_000, 200), target());
        try (TarArchiveInputStream save = new TarArchiveInputStream(Files.newInputStream(archive))) {
            for (TarArchiveEntry e; (e = save.getNextEntry()) != null; ) {
                if (e.isFile() && e.getName().endsWith(".tar")) {
                    safety.unpack(TAR, save, e.getName());
                }
            }
        }
        assertThat(safety.unpacked().files()).isEqualTo(11);
        assertThat(safety.unpacked().skippedCount()).isZero();
        assertThat(target().resolve("io.triton.manifest/manifest.json")).isRegularFile();
        try (Stream<Path> files = Files.walk(target().resolve("io.triton.cache"))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .contains("add_kernel.hsaco", "hip_utils.so", "__triton_launcher.so");
        }
    }
}
