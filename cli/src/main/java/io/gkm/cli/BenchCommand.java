package io.gkm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Benchmarks: numbers beside a baseline measured in the same run.", subcommands = {WebhookBenchCommand.class, VerifyBenchCommand.class},
        description = {"Benchmarks (not tests): each prints its measurements next to a yardstick measured in the",
                "same run, and its targets with PASS or MISS."})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
