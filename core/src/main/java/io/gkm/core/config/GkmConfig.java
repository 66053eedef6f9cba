package io.gkm.core.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Validated, typed configuration. Values come from flags first, then {@code GKM_*}
 * environment variables, then each setting's default; every value is parsed at load time and
 * all problems are reported together in one {@link ConfigException}.
 *
 * <p>Environment variables {@code GKM_KAFKA_<NAME>} that are not declared settings pass
 * through to the Kafka clients as the property {@code <name>} (lower case, {@code _} as
 * {@code .}), e.g. {@code GKM_KAFKA_SECURITY_PROTOCOL=SSL}; see {@link #kafkaPassThrough()}.
 */
public final class GkmConfig {
    static final String KAFKA_PASS_THROUGH_PREFIX = "GKM_KAFKA_";

    private final Map<Setting<?>, Object> values;
    private final Map<String, String> kafkaPassThrough;

    private GkmConfig(Map<Setting<?>, Object> values, Map<String, String> kafkaPassThrough) {
        this.values = values;
        this.kafkaPassThrough = kafkaPassThrough;
    }

    /**
     * @param settings the settings the caller knows; an env var {@code GKM_*} that names none of
     *                 these (and is not a Kafka pass-through) is reported, to catch typos
     * @param env      the process environment
     * @param flags    flag values by setting name (from the command line); win over env
     * @param kafkaProperties extra Kafka client properties from {@code --kafka-property k=v}
     * @param knownKafkaProperties property names the Kafka clients accept
     */
    public static GkmConfig load(Collection<Setting<?>> settings, Map<String, String> env,
                                 Map<String, String> flags, Map<String, String> kafkaProperties,
                                 Collection<String> knownKafkaProperties) {
        List<String> problems = new ArrayList<>();
        Map<Setting<?>, Object> values = new LinkedHashMap<>();
        Map<String, Setting<?>> byEnv = new TreeMap<>();
        for (Setting<?> s : settings) {
            byEnv.put(s.envVar(), s);
            String text = flags.containsKey(s.name()) ? flags.get(s.name()) : env.get(s.envVar());
            String origin = flags.containsKey(s.name()) ? s.flag() : s.envVar();
            if (text == null || text.isEmpty()) {
                text = s.defaultText();
                origin = s.envVar() + " (default)";
            }
            if (text == null) {
                continue;
            }
            try {
                values.put(s, s.type().parse(text));
            } catch (IllegalArgumentException e) {
                problems.add(origin + ": expected " + e.getMessage() + ", got '" + text + "'");
            }
        }
        Map<String, String> passThrough = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String var = e.getKey();
            if (!var.startsWith("GKM_") || byEnv.containsKey(var)) {
                continue;
            }
            if (var.startsWith(KAFKA_PASS_THROUGH_PREFIX)) {
                String property = var.substring(KAFKA_PASS_THROUGH_PREFIX.length())
                        .toLowerCase(java.util.Locale.ROOT).replace('_', '.');
                if (knownKafkaProperties.contains(property)) {
                    passThrough.put(property, e.getValue());
                } else {
                    problems.add(var + ": '" + property + "' is not a Kafka client property");
                }
            }
            // Other unknown GKM_* variables belong to stages not loaded by this command; they
            // are checked by the command that declares them.
        }
        for (Map.Entry<String, String> e : kafkaProperties.entrySet()) {
            if (knownKafkaProperties.contains(e.getKey())) {
                passThrough.put(e.getKey(), e.getValue());
            } else {
                problems.add("--kafka-property: '" + e.getKey() + "' is not a Kafka client property");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new GkmConfig(values, passThrough);
    }

    /** The value of a setting that has a default (or was given). */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        Object v = values.get(setting);
        if (v == null) {
            throw new IllegalStateException(setting.envVar() + " is not set and has no default");
        }
        return (T) v;
    }

    /** The value of a setting that may be absent. */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> find(Setting<T> setting) {
        return Optional.ofNullable((T) values.get(setting));
    }

    /** Kafka client properties given as GKM_KAFKA_* env vars or --kafka-property flags. */
    public Map<String, String> kafkaPassThrough() {
        return kafkaPassThrough;
    }
}
