package io.gkm.dispatcher;

import io.gkm.core.config.Setting;
import io.gkm.core.config.SettingType;
import java.time.Duration;
import java.util.List;

/** The dispatcher's own settings (env {@code GKM_*} or flags, see {@link Setting}). */
public final class DispatcherSettings {
    private DispatcherSettings() {
    }

    public static final Setting<Duration> CATCH_UP_TIMEOUT = new Setting<>("dispatcher.catch.up.timeout",
            SettingType.DURATION, "60s",
            "Longest gkm dispatcher waits at start for its views of gkm.nodes and of its state topic to reach "
                    + "their ends before it dispatches anything; not reaching them by then stops it with the reason.");

    public static final Setting<Boolean> STATUS = new Setting<>("dispatcher.status", SettingType.BOOLEAN, "true",
            "Whether gkm dispatcher writes install results onto GKMCacheNode / ClusterGKMCacheNode status in the "
                    + "kubeconfig's cluster (or, in a pod, its own); false dispatches jobs only.");

    /** Every dispatcher setting, in README order. */
    public static List<Setting<?>> all() {
        return List.of(CATCH_UP_TIMEOUT, STATUS);
    }
}
