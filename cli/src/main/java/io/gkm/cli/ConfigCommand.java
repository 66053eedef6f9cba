package io.gkm.cli;

import io.gkm.core.config.GkmConfig;
import io.gkm.core.config.Setting;
import io.gkm.core.config.Settings;
import io.gkm.dispatcher.DispatcherSettings;
import io.gkm.ingest.IngestSettings;
import io.gkm.nodeconsumer.NodeConsumerSettings;
import io.gkm.verifier.VerifierSettings;
import io.gkm.verifier.oci.RegistrySettings;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "config", mixinStandardHelpOptions = true,
        header = "Shows every GKM_* setting in force, or the README's table of them.",
        description = {"Shows every GKM_* setting with the value it has now (flags, then env, then default),",
                "or, with --markdown, the README's configuration table. Exits 2 when a value is invalid."})
final class ConfigCommand extends ConfiguredCommand implements Callable<Integer> {
    @CommandLine.Mixin
    KafkaPropertyOption kafkaProperty;

    @Option(names = "--markdown", description = "Print the configuration table of the README.")
    boolean markdown;

    @Override
    List<Setting<?>> settings() {
        return everySetting();
    }

    /** Every setting of every command in this jar: the README's configuration table. */
    static List<Setting<?>> everySetting() {
        List<Setting<?>> all = new ArrayList<>(Settings.all());
        all.addAll(IngestSettings.all());
        all.addAll(RegistrySettings.all());
        all.addAll(VerifierSettings.all());
        all.addAll(DispatcherSettings.all());
        all.addAll(NodeConsumerSettings.all());
        return all;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (markdown) {
            out.print(Settings.markdownTable(settings()));
            out.flush();
            return 0;
        }
        GkmConfig config = config();
        for (Setting<?> s : settings()) {
            out.printf("%-32s %s%n", s.envVar(), config.find(s).map(v -> render(s, v)).orElse("(not set)"));
        }
        config.kafkaPassThrough().forEach((k, v) -> out.printf("%-32s %s%n", "kafka: " + k,
                k.contains("password") || k.contains("jaas") ? "(hidden)" : v));
        out.flush();
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static <T> String render(Setting<T> s, Object value) {
        return s.type().render((T) value);
    }
}
