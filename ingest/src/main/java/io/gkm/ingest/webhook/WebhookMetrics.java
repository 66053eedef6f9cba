package io.gkm.ingest.webhook;

import io.gkm.ingest.admission.AdmissionDecision;
import io.gkm.ingest.admission.Check;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The webhook's Prometheus meters. */
public final class WebhookMetrics {
    /** The tags of one decision counter. */
    private record DecisionTags(WebhookPath path, boolean allowed, Check check) {
    }

    private final MeterRegistry registry;
    private final Timer duration;
    /** Looked up once per tag combination, not built and registered again for every decision. */
    private final Map<DecisionTags, Counter> decisions = new ConcurrentHashMap<>();

    public WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.duration = Timer.builder("gkm.ingest.admission.duration")
                .description("Time from a well-formed AdmissionReview to its answer, recording included")
                .register(registry);
    }

    void decided(WebhookPath path, AdmissionDecision decision, Duration took) {
        decisions.computeIfAbsent(new DecisionTags(path, decision.allowed(), decision.check()), tags ->
                Counter.builder("gkm.ingest.admissions")
                        .description("Admission decisions answered")
                        .tag("webhook", path.webhook()).tag("kind", path.kind().kind())
                        .tag("decision", tags.allowed() ? "allowed" : "denied")
                        .tag("check", tags.check().name())
                        .register(registry)).increment();
        duration.record(took);
    }

    /** A decision answered without Kafka acknowledging its events within the audit timeout. */
    void unrecorded(WebhookPath path) {
        Counter.builder("gkm.ingest.admissions.unrecorded")
                .description("Admission decisions whose AdmissionEvent or AuditEvent Kafka did not acknowledge in time")
                .tag("webhook", path.webhook()).tag("kind", path.kind().kind())
                .register(registry).increment();
    }

    /** A request that was not a usable AdmissionReview, by why. */
    void rejected(String reason) {
        Counter.builder("gkm.ingest.webhook.rejected")
                .description("Requests answered with an error before admission: bad JSON, wrong shape, wrong kind, "
                        + "wrong content type, too large, too slow")
                .tag("reason", reason)
                .register(registry).increment();
    }

    void tlsReload(boolean applied) {
        Counter.builder("gkm.ingest.webhook.tls.reloads")
                .description("New certificate and key files seen: applied, or rejected (unreadable or not a pair)")
                .tag("outcome", applied ? "applied" : "rejected")
                .register(registry).increment();
    }
}
