package io.gkm.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a setting's text becomes a typed value. A parser throws {@link IllegalArgumentException}
 * whose message completes the sentence "expected ..., got '...'" (see {@link GkmConfig}).
 */
public interface SettingType<T> {

    /** Parses {@code text}; throws IllegalArgumentException with what was expected. */
    T parse(String text);

    /** Renders a value back to the text form a user would type (for --help and the README). */
    default String render(T value) {
        return String.valueOf(value);
    }

    /** A short name for the README's configuration table. */
    String typeName();

    SettingType<String> STRING = new SettingType<>() {
        public String parse(String text) {
            if (text.isBlank()) {
                throw new IllegalArgumentException("a non-empty string");
            }
            return text.trim();
        }

        public String typeName() {
            return "string";
        }
    };

    /** A DNS label (RFC 1123): lower-case letters, digits and '-', at most 63 characters. */
    SettingType<String> DNS_LABEL = new SettingType<>() {
        public String parse(String text) {
            String t = text.trim();
            if (!t.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
                throw new IllegalArgumentException("a DNS label (a-z, 0-9, '-', at most 63 characters)");
            }
            return t;
        }

        public String typeName() {
            return "DNS label";
        }
    };

    SettingType<Boolean> BOOLEAN = new SettingType<>() {
        public Boolean parse(String text) {
            switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "true": case "1": case "yes": return true;
                case "false": case "0": case "no": return false;
                default: throw new IllegalArgumentException("true or false");
            }
        }

        public String typeName() {
            return "boolean";
        }
    };

    SettingType<Path> PATH = new SettingType<>() {
        public Path parse(String text) {
            if (text.isBlank()) {
                throw new IllegalArgumentException("a file or folder path");
            }
            return Path.of(text.trim());
        }

        public String typeName() {
            return "path";
        }
    };

    /** Comma-separated, blanks trimmed, empty items dropped. */
    SettingType<List<String>> LIST = new SettingType<>() {
        public List<String> parse(String text) {
            return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }

        public String render(List<String> value) {
            return String.join(",", value);
        }

        public String typeName() {
            return "list";
        }
    };

    SettingType<Duration> DURATION = new SettingType<>() {
        private final Pattern form = Pattern.compile("(\\d+)(ms|s|m|h|d)");

        public Duration parse(String text) {
            Matcher m = form.matcher(text.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("a duration like 500ms, 30s, 5m, 2h or 7d");
            }
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms": return Duration.ofMillis(n);
                case "s": return Duration.ofSeconds(n);
                case "m": return Duration.ofMinutes(n);
                case "h": return Duration.ofHours(n);
                default: return Duration.ofDays(n);
            }
        }

        public String render(Duration d) {
            long ms = d.toMillis();
            if (ms % 86_400_000 == 0 && ms > 0) return ms / 86_400_000 + "d";
            if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
            if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
            if (ms % 1000 == 0 && ms > 0) return ms / 1000 + "s";
            return ms + "ms";
        }

        public String typeName() {
            return "duration";
        }
    };

    /** An integer within [min, max]. */
    static SettingType<Integer> integer(int min, int max) {
        return new SettingType<>() {
            public Integer parse(String text) {
                try {
                    int v = Integer.parseInt(text.trim());
                    if (v >= min && v <= max) {
                        return v;
                    }
                } catch (NumberFormatException e) {
                    // falls through to the message below
                }
                throw new IllegalArgumentException("a whole number from " + min + " to " + max);
            }

            public String typeName() {
                return "int " + min + ".." + max;
            }
        };
    }

    /** A TCP port; 0 means "pick a free one" or "off", as the setting documents. */
    SettingType<Integer> PORT = integer(0, 65535);

    /** One of an enum's constants, case-insensitive. */
    static <E extends Enum<E>> SettingType<E> oneOf(Class<E> type) {
        return new SettingType<>() {
            public E parse(String text) {
                for (E e : type.getEnumConstants()) {
                    if (e.name().equalsIgnoreCase(text.trim())) {
                        return e;
                    }
                }
                throw new IllegalArgumentException("one of " + render(null));
            }

            public String render(E value) {
                if (value != null) {
                    return value.name().toLowerCase(Locale.ROOT);
                }
                return String.join("|", Arrays.stream(type.getEnumConstants())
                        .map(e -> e.name().toLowerCase(Locale.ROOT)).toList());
            }

            public String typeName() {
                return render(null);
            }
        };
    }
}
