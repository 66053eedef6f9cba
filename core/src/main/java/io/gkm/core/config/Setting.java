package io.gkm.core.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One configuration setting: its environment variable, its flag, its type, default and
 * description. Declared once (see {@link Settings}); the CLI's flags, --help and the README's
 * configuration table are all derived from the declaration.
 *
 * @param name dotted name, e.g. {@code kafka.bootstrap.servers}; the env var is
 *             {@code GKM_KAFKA_BOOTSTRAP_SERVERS}, the flag {@code --kafka-bootstrap-servers}
 * @param defaultText the default in the text form a user would type; null when the setting has
 *                    no default and is then absent ({@link GkmConfig#find})
 */
public record Setting<T>(String name, SettingType<T> type, String defaultText, String description) {

    public Setting {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        Objects.requireNonNull(description);
        if (!name.matches("[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)*")) {
            throw new IllegalArgumentException("setting name must be dotted lower-case words: " + name);
        }
        if (defaultText != null) {
            type.parse(defaultText); // a default that does not parse is a programming error
        }
    }

    public String envVar() {
        return "GKM_" + name.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    public String flag() {
        return "--" + name.replace('.', '-');
    }
}
