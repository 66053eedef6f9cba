package io.gkm.nodeconsumer.extract;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Every rule a cache image layer must follow to be unpacked on a node, in one place. A layer is a
 * tar, gzip-compressed or not (told by its first bytes, the media type being only what the
 * manifest claims). Refused, with the entry named:
 * <ul>
 *   <li>absolute paths, {@code ..} segments, NUL or backslashes in names (an entry must stay
 *       inside the folder it is unpacked into);</li>
 *   <li>symbolic and hard links, wherever they point (a cache is plain files; a link is the usual
 *       way out of the target folder), character and block devices, FIFOs, sparse and unknown
 *       entry types;</li>
 *   <li>OCI whiteouts ({@code .wh.*}): a cache image is one layer of content, never a diff that
 *       deletes;</li>
 *   <li>a name given twice (two files, or a file and a folder): which one wins would depend on
 *       the order, so neither does; a folder repeated in a later layer is fine;</li>
 *   <li>more than {@link ExtractLimits#maxBytes()} uncompressed bytes or
 *       {@link ExtractLimits#maxFiles()} entries in all layers, and a gzip stream that expands
 *       more than {@link ExtractLimits#maxRatio()} times (a gzip bomb), checked while reading,
 *       before anything larger is written;</li>
 *   <li>zstd layers, which GKM's images do not use.</li>
 * </ul>
 * Written: regular files and folders under the cache folders of GKM's MCV format
 * ({@link #CACHE_FOLDERS}: {@code io.triton.cache/}, {@code io.triton.manifest/},
 * {@code io.vllm.cache/}, {@code io.vllm.manifest/}), with the permission bits of the entry less
 * setuid, setgid, sticky and write for group and others, plus read and write (files) or read,
 * write and search (folders) for the owner, owned by this process. Entries outside those folders
 * are checked by the same rules but not written (an image may carry a Dockerfile's leftovers; only
 * the cache is GKM's business), and listed in {@link Unpacked#skipped()}.
 *
 * <p>Files are created new, never overwritten or followed through a link (none can exist: none is
 * ever written), so the rules above are all it takes to keep writes inside the target folder.
 */
public final class TarSafety {
    /** The top folders of MCV cache content (MCV's MCVTritonCacheDir and friends). */
    public static final List<String> CACHE_FOLDERS = List.of("io.triton.cache", "io.triton.manifest",
            "io.vllm.cache", "io.vllm.manifest");
    /** Names of entries skipped that {@link Unpacked#skipped()} lists at most. */
    static final int SKIPPED_LISTED = 20;

    private static final String WHITEOUT = ".wh.";
    private static final int COPY_BUFFER = 64 * 1024;

    private final ExtractLimits limits;
    private final Path target;
    /** Every name seen so far in this image, true for a folder. */
    private final Map<String, Boolean> seen = new HashMap<>();
    private final List<String> skipped = new ArrayList<>();
    private long tarBytes;
    private long fileBytes;
    private int entries;
    private int files;
    private int skippedCount;

    /**
     * @param target an existing, empty folder the image's layers are unpacked into, in order
     */
    public TarSafety(ExtractLimits limits, Path target) {
        this.limits = limits;
        this.target = target.toAbsolutePath().normalize();
    }

    /**
     * What an image unpacked to.
     *
     * @param files   regular files written
     * @param bytes   bytes of the files written
     * @param skipped up to {@value #SKIPPED_LISTED} names of entries outside the cache folders
     * @param skippedCount how many entries were outside the cache folders
     */
    public record Unpacked(int files, long bytes, List<String> skipped, int skippedCount) {
        public Unpacked {
            skipped = List.copyOf(skipped);
        }
    }

    /** What has been written so far, over every layer given. */
    public Unpacked unpacked() {
        return new Unpacked(files, fileBytes, skipped, skippedCount);
    }

    /**
     * Unpacks one layer into the target folder.
     *
     * @param mediaType the layer's media type from the manifest (zstd is refused; gzip or not is
     *                  told by the bytes)
     * @param layer     the layer's bytes (closed by the caller)
     * @param what      names the layer in messages
     * @throws UnsafeLayerException when the layer breaks a rule; the target folder then holds a
     *                              part of the image, which the caller throws away
     * @throws IOException          when the target folder cannot be written
     */
    public void unpack(String mediaType, InputStream layer, String what) throws IOException {
        if (mediaType != null && mediaType.toLowerCase(Locale.ROOT).contains("zstd")) {
            throw new UnsafeLayerException(what + ": zstd layers (" + mediaType + ") are not supported; GKM's cache "
                    + "images use tar or tar+gzip");
        }
        CountingStream compressed = new CountingStream(new BufferedInputStream(layer, COPY_BUFFER));
        compressed.mark(2);
        boolean gzip = compressed.read() == 0x1f && compressed.read() == 0x8b;
        compressed.reset();
        InputStream raw;
        try {
            raw = gzip ? new GZIPInputStream(compressed, COPY_BUFFER) : compressed;
        } catch (IOException e) {
            throw new UnsafeLayerException(what + ": not a gzip stream: " + e.getMessage(), e);
        }
        CountingStream tarStream = new CountingStream(raw) {
            @Override
            void counted() {
                if (tarBytes + count() > limits.maxBytes()) {
                    throw new UnsafeLayerException(what + ": unpacks to more than " + limits.maxBytes()
                            + " bytes (GKM_EXTRACT_MAX_BYTES)");
                }
                if (gzip && count() > ExtractLimits.RATIO_GRACE_BYTES
                        && count() > (long) limits.maxRatio() * Math.max(1, compressed.count())) {
                    throw new UnsafeLayerException(what + ": gzip stream expands more than " + limits.maxRatio()
                            + " times (" + compressed.count() + " bytes to over " + count()
                            + "; GKM_EXTRACT_MAX_RATIO): refused as a gzip bomb");
                }
            }
        };
        TarArchiveInputStream tar = new TarArchiveInputStream(tarStream, StandardCharsets.UTF_8.name());
        try {
            for (TarArchiveEntry entry; (entry = nextEntry(tar, what)) != null; ) {
                write(tar, entry, what);
            }
        } finally {
            tarBytes += tarStream.count();
        }
    }

    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, String what) {
        try {
            return tar.getNextEntry();
        } catch (UnsafeLayerException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UnsafeLayerException(what + ": not a valid tar: " + e.getMessage(), e);
        }
    }

    private void write(TarArchiveInputStream tar, TarArchiveEntry entry, String what) throws IOException {
        String name = checkedName(entry.getName(), what);
        String where = what + ": entry '" + entry.getName() + "'";
        if (++entries > limits.maxFiles()) {
            throw new UnsafeLayerException(what + ": more than " + limits.maxFiles()
                    + " entries (GKM_EXTRACT_MAX_FILES)");
        }
        checkType(entry, where);
        if (name.isEmpty()) {
            return; // "./": the target folder itself
        }
        boolean folder = entry.isDirectory();
        Boolean before = seen.put(name, folder);
        if (before != null && !(before && folder)) {
            throw new UnsafeLayerException(where + " is given twice" + (before == folder ? "" : ", as a file and a folder")
                    + "; refusing the image rather than picking one");
        }
        if (!folder && fileBytes + entry.getSize() > limits.maxBytes()) {
            throw new UnsafeLayerException(where + " (" + entry.getSize() + " bytes) takes the image over "
                    + limits.maxBytes() + " bytes (GKM_EXTRACT_MAX_BYTES)");
        }
        if (!isCacheContent(name)) {
            skippedCount++;
            if (skipped.size() < SKIPPED_LISTED) {
                skipped.add(name + (folder ? "/" : ""));
            }
            return;
        }
        Path path = target.resolve(name).normalize();
        if (!path.startsWith(target) || path.equals(target)) {
            throw new UnsafeLayerException(where + " would be written outside the cache folder");
        }
        if (folder) {
            Files.createDirectories(path);
            Files.setPosixFilePermissions(path, permissions(entry.getMode(), true));
            return;
        }
        try (OutputStream out = create(path)) {
            long copied = copy(tar, out, where);
            if (copied != entry.getSize()) {
                throw new UnsafeLayerException(where + ": the tar ends after " + copied + " of its " + entry.getSize()
                        + " bytes");
            }
        } catch (FileAlreadyExistsException e) {
            throw new UnsafeLayerException(where + " is given twice, or under a name given as a file; refusing the "
                    + "image rather than picking one", e);
        }
        Files.setPosixFilePermissions(path, permissions(entry.getMode(), false));
        files++;
        fileBytes += entry.getSize();
    }

    /** A new file and its missing parent folders; never through a link, never over an existing file. */
    private static OutputStream create(Path path) throws IOException {
        Files.createDirectories(path.getParent());
        return Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
    }

    /** Copies an entry's content; a tar or gzip stream that breaks off or is corrupt is the layer's fault. */
    private static long copy(InputStream entry, OutputStream out, String where) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER];
        long copied = 0;
        while (true) {
            int n;
            try {
                n = entry.read(buffer);
            } catch (IOException e) {
                throw new UnsafeLayerException(where + ": cannot be read: " + e.getMessage(), e);
            }
            if (n < 0) {
                return copied;
            }
            out.write(buffer, 0, n);
            copied += n;
        }
    }

    /** The entry's name, relative, without {@code ./} and trailing slashes; refused when it could leave the target. */
    static String checkedName(String raw, String what) {
        String where = what + ": entry '" + raw + "'";
        if (raw.indexOf('\0') >= 0 || raw.indexOf('\\') >= 0) {
            throw new UnsafeLayerException(where + " has a NUL or backslash in its name");
        }
        if (raw.startsWith("/")) {
            throw new UnsafeLayerException(where + " has an absolute path; entries must be relative to the image root");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : raw.split("/")) {
            if (segment.equals("..")) {
                throw new UnsafeLayerException(where + " has a '..' segment, which could leave the cache folder");
            }
            if (segment.startsWith(WHITEOUT)) {
                throw new UnsafeLayerException(where + " is an OCI whiteout; a cache image adds files, it never "
                        + "deletes them");
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        return String.join("/", segments);
    }

    private static void checkType(TarArchiveEntry entry, String where) {
        if (entry.isSymbolicLink()) {
            throw new UnsafeLayerException(where + " is a symbolic link (to '" + entry.getLinkName()
                    + "'); cache images hold plain files only");
        }
        if (entry.isLink()) {
            throw new UnsafeLayerException(where + " is a hard link (to '" + entry.getLinkName()
                    + "'); cache images hold plain files only");
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice()) {
            throw new UnsafeLayerException(where + " is a device file; cache images hold plain files only");
        }
        if (entry.isFIFO()) {
            throw new UnsafeLayerException(where + " is a FIFO; cache images hold plain files only");
        }
        if (entry.isSparse()) {
            throw new UnsafeLayerException(where + " is a sparse file; cache images hold plain files only");
        }
        if (!entry.isFile() && !entry.isDirectory()) {
            throw new UnsafeLayerException(where + " has tar type '" + (char) entry.getLinkFlag()
                    + "'; cache images hold plain files and folders only");
        }
    }

    private static boolean isCacheContent(String name) {
        String top = name.contains("/") ? name.substring(0, name.indexOf('/')) : name;
        return CACHE_FOLDERS.contains(top);
    }

    /** The entry's mode without setuid, setgid, sticky and group/other write; the owner may always read and write. */
    static Set<PosixFilePermission> permissions(int mode, boolean folder) {
        int bits = (mode & 0755) | (folder ? 0700 : 0600);
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((bits & (1 << i)) != 0) {
                set.add(order[i]);
            }
        }
        return set;
    }

    /** Counts the bytes read through it; {@link #counted()} is told after each read. */
    private static class CountingStream extends FilterInputStream {
        private long count;
        private long mark;

        CountingStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        void counted() {
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
                counted();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
                counted();
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            counted();
            return skipped;
        }

        @Override
        public synchronized void mark(int limit) {
            super.mark(limit);
            mark = count;
        }

        @Override
        public synchronized void reset() throws IOException {
            super.reset();
            count = mark;
        }
    }
}
