package io.gkm.cli;

import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.kafka.KafkaClientFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A command that reads {@code GKM_*} settings. Its flags are generated from the settings'
 * declarations ({@link #settings()}), so a flag, its env var, its default and its --help line
 * can never disagree.
 */
abstract class ConfiguredCommand {
    @CommandLine.Spec
    CommandSpec spec;

    /** The process environment; replaced in tests. */
    Map<String, String> env = System.getenv();

    /** The settings this command reads. */
    abstract List<Setting<?>> settings();

    /** Adds one option per setting to {@code command}'s spec; called once at start-up. */
    static void addSettingOptions(CommandLine command, Map<String, String> env) {
        if (!(command.getCommand() instanceof ConfiguredCommand configured)) {
            return;
        }
        configured.env = env;
        for (Setting<?> s : configured.settings()) {
            if (command.getCommandSpec().findOption(s.flag()) != null) {
                continue; // declared by the command itself (e.g. an alias such as --bootstrap)
            }
            command.getCommandSpec().addOption(OptionSpec.builder(s.flag())
                    .paramLabel(s.type().typeName().toUpperCase(java.util.Locale.ROOT).replace(' ', '_'))
                    .type(String.class)
                    .description(s.description() + " Env: " + s.envVar()
                            + (s.defaultText() == null ? "" : "; default: " + s.defaultText()) + ".")
                    .build());
        }
    }

    /** Flags given on the command line, by setting name, for {@link GkmConfig#load}. */
    Map<String, String> givenFlags() {
        Map<String, String> flags = new LinkedHashMap<>();
        for (Setting<?> s : settings()) {
            OptionSpec option = spec.findOption(s.flag());
            if (option != null && spec.commandLine().getParseResult().hasMatchedOption(option)) {
                flags.put(s.name(), option.getValue());
            }
        }
        return flags;
    }

    /** The text {@code setting} is given as: its flag, else its env var; null when neither gives one. */
    String givenText(Setting<?> setting) {
        String text = givenFlags().getOrDefault(setting.name(), env.get(setting.envVar()));
        return text == null || text.isEmpty() ? null : text;
    }

    /** Loads and validates the configuration; every problem is reported at once. */
    GkmConfig config() {
        return GkmConfig.load(settings(), env, givenFlags(), kafkaProperties(),
                KafkaClientFactory.clientPropertyNames());
    }

    /** The {@code --kafka-property} values, for a command with {@link KafkaPropertyOption}. */
    Map<String, String> kafkaProperties() {
        return KafkaPropertyOption.of(spec);
    }
}
