package io.gkm.verifier.oci;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Reads tar archives in tests: regular files by path (directories and links skipped). */
final class TarFiles {
    private TarFiles() {
    }

    static Map<String, byte[]> read(byte[] tar) {
        return read(new ByteArrayInputStream(tar));
    }

    static Map<String, byte[]> gunzipAndRead(byte[] tarGz) {
        try {
            return read(new GZIPInputStream(new ByteArrayInputStream(tarGz)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, byte[]> read(InputStream in) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.isFile()) {
                    files.put(e.getName(), tar.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** The first path component of every file: a layer's top-level folders. */
    static Set<String> topLevel(Map<String, byte[]> files) {
        Set<String> top = new TreeSet<>();
        files.keySet().forEach(p -> top.add(p.contains("/") ? p.substring(0, p.indexOf('/')) : p));
        return top;
    }
}
