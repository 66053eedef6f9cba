package io.gkm.cli;

import io.gkm.core.config.ConfigException;
import io.gkm.core.config.Settings;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gkm} launcher. */
@Command(name = "gkm", mixinStandardHelpOptions = true, versionProvider = Gkm.Version.class,
        description = {"GKM trust pipeline: verifies and delivers GPU kernel caches over Apache Kafka.",
                "Every flag also has a GKM_* environment variable; see 'gkm config'."},
        subcommands = {DemoCommand.class, DevCommand.class, IngestCommand.class, VerifierCommand.class,
                DispatcherCommand.class, NodeConsumerCommand.class, AuditCommand.class, TopicsCommand.class,
                ConfigCommand.class, VerifyCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Gkm implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (0 ok, 1 failed, 2 usage or configuration). */
    public static int execute(String... args) {
        configureLogging(System.getenv(), args);
        return commandLine(System.getenv()).execute(args);
    }

    /** The command line with its setting flags, reading {@code env} for GKM_* variables. */
    static CommandLine commandLine(Map<String, String> env) {
        CommandLine cl = new CommandLine(new Gkm());
        visit(cl, env);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException) {
                commandLine.getErr().println(e.getMessage());
                return 2;
            }
            commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            return 1;
        });
        return cl;
    }

    private static void visit(CommandLine cl, Map<String, String> env) {
        ConfiguredCommand.addSettingOptions(cl, env);
        cl.getSubcommands().values().forEach(sub -> visit(sub, env));
    }

    /**
     * slf4j-simple reads its level once, when the first logger is made, so GKM_LOG_LEVEL and
     * --log-level are applied before picocli parses anything. An invalid value is left to the
     * command's own configuration check, which reports it.
     */
    static void configureLogging(Map<String, String> env, String... args) {
        String level = env.get(Settings.LOG_LEVEL.envVar());
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(Settings.LOG_LEVEL.flag()) && i + 1 < args.length) {
                level = args[i + 1];
            } else if (args[i].startsWith(Settings.LOG_LEVEL.flag() + "=")) {
                level = args[i].substring(Settings.LOG_LEVEL.flag().length() + 1);
            }
        }
        if (level == null || level.isBlank()) {
            return;
        }
        try {
            String parsed = Settings.LOG_LEVEL.type().parse(level).name().toLowerCase(Locale.ROOT);
            System.setProperty("org.slf4j.simpleLogger.log.io.gkm", parsed);
        } catch (IllegalArgumentException reportedByTheCommand) {
            // the command's configuration check names the bad value
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Gkm.class.getPackage().getImplementationVersion();
            return new String[] {"gkm " + (v == null ? "(development build)" : v)};
        }
    }
}
