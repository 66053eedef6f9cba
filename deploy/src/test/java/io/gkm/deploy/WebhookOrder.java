package io.gkm.deploy;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The order in which the API server calls admission webhooks (k8s.io/apiserver,
 * {@code pkg/admission/configuration/mutating_webhook_manager.go} and
 * {@code validating_webhook_manager.go}): configurations sorted by name ({@code sort.SliceStable}
 * on Go's byte-wise string order), then each configuration's webhooks in the order it lists them.
 * The webhook names play no part.
 */
final class WebhookOrder {
    private WebhookOrder() {
    }

    /** A webhook configuration as far as ordering goes: its name and its webhooks' names, in order. */
    record Configuration(String name, List<String> webhooks) {
        static Configuration of(MutatingWebhookConfiguration c) {
            return new Configuration(c.getMetadata().getName(), c.getWebhooks().stream().map(MutatingWebhook::getName).toList());
        }

        static Configuration of(ValidatingWebhookConfiguration c) {
            return new Configuration(c.getMetadata().getName(),
                    c.getWebhooks().stream().map(ValidatingWebhook::getName).toList());
        }
    }

    /** One call: the webhook and the configuration it belongs to. */
    record Call(String configuration, String webhook) {
    }

    /** Every webhook, in the order the API server calls them. */
    static List<Call> calls(List<Configuration> configurations) {
        List<Configuration> sorted = new ArrayList<>(configurations);
        sorted.sort(Comparator.comparing(Configuration::name, WebhookOrder::goStringOrder)); // List.sort is stable
        List<Call> calls = new ArrayList<>();
        for (Configuration c : sorted) {
            c.webhooks().forEach(w -> calls.add(new Call(c.name(), w)));
        }
        return calls;
    }

    /** Go's {@code <} on strings: byte-wise over UTF-8, unsigned. */
    static int goStringOrder(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
