package io.gkm.core.stage;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Runs {@link TestStage} as a process of its own, so that {@link ExactlyOnceIT} can kill it the
 * way a node kills a pod: SIGKILL, no shutdown hook, no commit, no abort.
 * Prints {@code processed <n>} as it commits. Args: bootstrap prefix input output.
 */
public final class StageProcessMain {
    private StageProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StageLoop loop = TestStage.loop(args[0], args[1], "eos", args[2], args[3], TestStage.handler(args[3]),
                registry, 100);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                loop.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        Thread t = loop.start();
        var in = registry.counter("gkm.stage.records.in", "stage", TestStage.NAME);
        while (t.isAlive()) {
            System.out.println("processed " + (long) in.count());
            System.out.flush();
            Thread.sleep(10);
        }
        loop.failure().ifPresent(f -> {
            System.out.println("failed " + f.getMessage());
            System.exit(3);
        });
    }
}
