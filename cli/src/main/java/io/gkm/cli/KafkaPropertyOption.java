package io.gkm.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --kafka-property}, a picocli mixin for the commands that talk to Kafka or show its
 * settings ({@code @Mixin KafkaPropertyOption kafkaProperty;}); the others do not offer it.
 */
final class KafkaPropertyOption {
    static final String FLAG = "--kafka-property";

    @CommandLine.Option(names = FLAG, paramLabel = "KEY=VALUE",
            description = "Kafka client property for every client (repeatable), e.g. security.protocol=SSL. "
                    + "Same as env GKM_KAFKA_<KEY>.")
    Map<String, String> values = new LinkedHashMap<>();

    /** The properties given to {@code command} by {@value #FLAG}; none when it has no such flag. */
    static Map<String, String> of(CommandSpec command) {
        OptionSpec option = command.findOption(FLAG);
        return option == null ? Map.of() : option.getValue();
    }
}
