package io.gkm.testkit;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Unique names for resources on shared clusters/registries. */
final class UniqueNames {

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private UniqueNames() {}

    private static String suffix() {
        return SEQUENCE.incrementAndGet() + "-"
                + String.format("%08x", ThreadLocalRandom.current().nextInt());
    }

    /** Legal Kafka topic / group / transactional id: {@code [a-zA-Z0-9._-]}, at most 249 chars. */
    static String kafka(String prefix) {
        String clean = prefix == null ? "" : prefix.replaceAll("[^a-zA-Z0-9._-]", "-");
        if (clean.isEmpty() || clean.equals(".") || clean.equals("..")) {
            clean = "t";
        }
        String suffix = suffix();
        int max = 249 - suffix.length() - 1;
        if (clean.length() > max) {
            clean = clean.substring(0, max);
        }
        return clean + "-" + suffix;
    }

    /**
     * Legal OCI repository name: path components of {@code [a-z0-9]+} separated by one of
     * {@code . _ -}, joined by {@code /}.
     */
    static String ociRepository(String prefix) {
        String lower = (prefix == null ? "" : prefix).toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder();
        for (String component : lower.split("/")) {
            String c = component.replaceAll("[^a-z0-9._-]", "-")
                    .replaceAll("[._-]{2,}", "-")
                    .replaceAll("^[._-]+", "")
                    .replaceAll("[._-]+$", "");
            if (!c.isEmpty()) {
                if (out.length() > 0) {
                    out.append('/');
                }
                out.append(c);
            }
        }
        if (out.length() == 0) {
            out.append("repo");
        }
        if (out.length() > 180) {
            out.setLength(180);
            while (out.length() > 0 && "._-/".indexOf(out.charAt(out.length() - 1)) >= 0) {
                out.setLength(out.length() - 1);
            }
        }
        return out + "-" + suffix();
    }
}
