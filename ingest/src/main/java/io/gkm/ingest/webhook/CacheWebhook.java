package io.gkm.ingest.webhook;

import io.gkm.core.stage.AuditEntry;
import io.gkm.ingest.admission.AdmissionDecision;
import io.gkm.ingest.admission.CacheAdmission;
import io.gkm.ingest.admission.CacheKind;
import io.gkm.ingest.admission.CacheObject;
import io.gkm.ingest.admission.Check;
import io.gkm.ingest.admission.DigestResolution;
import io.gkm.ingest.admission.DigestResolver;
import io.gkm.ingest.admission.ImageVerifier;
import io.gkm.ingest.admission.InlineVerification;
import io.gkm.ingest.model.GkmApi;
import io.gkm.schemas.event.AdmissionEvent;
import io.gkm.schemas.event.Decision;
import io.gkm.schemas.event.Operation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admission from body to answer: read the AdmissionReview, decide with GKM's rules (asking the
 * registry first when Kyverno verification is disabled, the verifier first for a kind verified
 * inline), record the decision on Kafka, answer.
 *
 * <p>Recording waits at most the audit timeout. A decision not acknowledged by then is counted and
 * logged with its uid, and answered as decided, unless recording is required: then it is denied,
 * and the denial is recorded too (best effort), after the original on the same partition, so that a
 * late-arriving original is superseded.
 */
public final class CacheWebhook {
    private static final Logger LOG = LoggerFactory.getLogger(CacheWebhook.class);

    /**
     * What decides, asks and records; and how.
     *
     * @param inlineVerifyTimeout the budget of one inline verification; no verdict by then is a denial
     */
    public record Settings(String cluster, Duration auditTimeout, boolean auditRequired, Duration inlineVerifyTimeout) {
    }

    private final CacheAdmission rules;
    private final DigestResolver resolver;
    private final ImageVerifier verifier;
    private final AdmissionRecorder recorder;
    private final WebhookMetrics metrics;
    private final Settings settings;
    private final Clock clock;

    public CacheWebhook(CacheAdmission rules, DigestResolver resolver, ImageVerifier verifier,
                        AdmissionRecorder recorder, WebhookMetrics metrics, Settings settings, Clock clock) {
        this.rules = rules;
        this.resolver = resolver;
        this.verifier = verifier;
        this.recorder = recorder;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Answers a request body sent to {@code path}. Never fails: every outcome is an answer.
     *
     * @param answering runs the work after the decision is recorded (the answer, the metrics), so
     *     that it is not done on Kafka's network thread, which acknowledges every decision
     */
    public CompletionStage<WebhookAnswer> admit(WebhookPath path, byte[] body, Executor answering) {
        Instant start = clock.instant();
        ParsedReview parsed = AdmissionReviews.parse(body, path, settings.cluster());
        if (parsed instanceof ParsedReview.Unreadable unreadable) {
            metrics.rejected("unreadable");
            return CompletableFuture.completedFuture(WebhookAnswer.plain(400, unreadable.reason()));
        }
        if (parsed instanceof ParsedReview.Refused refused) {
            metrics.rejected("refused");
            AdmissionDecision decision = AdmissionDecision.badRequest(Check.MALFORMED_REQUEST, refused.reason());
            return CompletableFuture.completedFuture(WebhookAnswer.review(
                    AdmissionReviews.answer(refused.uid(), decision, null)));
        }
        AdmissionCall call = ((ParsedReview.Call) parsed).call();
        return decide(path, call)
                .thenCompose(decision -> recordAndAnswer(path, call, decision, start, answering))
                .exceptionally(e -> failed(call, unwrap(e)));
    }

    private CompletableFuture<AdmissionDecision> decide(WebhookPath path, AdmissionCall call) {
        Operation op = call.operation();
        if (op != Operation.CREATE && op != Operation.UPDATE) {
            // GKM allows every delete; CONNECT is not registered for these kinds.
            return CompletableFuture.completedFuture(path.mutating() ? AdmissionDecision.allow() : rules.validateDelete());
        }
        CacheKind kind = path.kind();
        CacheObject cache = call.cache();
        CacheObject old = call.oldCache();
        if (path.mutating()) {
            if (rules.imageToVerifyOnMutate(kind, old, cache).isPresent()) {
                return verifyInline(kind, cache).thenApply(verified -> rules.mutateVerified(cache, verified));
            }
            Optional<String> image = rules.imageToResolve(cache);
            if (image.isEmpty()) {
                return CompletableFuture.completedFuture(rules.mutate(cache, null));
            }
            Duration budget = CacheAdmission.DIGEST_RESOLUTION_BUDGET;
            return resolver.resolve(image.get(), budget).toCompletableFuture()
                    .orTimeout(budget.toMillis(), TimeUnit.MILLISECONDS)
                    .handle((digest, error) -> rules.mutate(cache, error == null
                            ? new DigestResolution.Resolved(digest)
                            : new DigestResolution.Failed(resolutionFailure(unwrap(error), budget))));
        }
        CompletableFuture<InlineVerification> verified = rules.imageToVerifyOnValidate(kind, old, cache).isPresent()
                ? verifyInline(kind, cache) : CompletableFuture.completedFuture(null);
        return verified.thenApply(v -> op == Operation.CREATE ? rules.validateCreate(kind, cache, v)
                : rules.validateUpdate(kind, old, cache, v));
    }

    /** The verifier's verdict on {@code cache}'s image within the budget; never fails. */
    private CompletableFuture<InlineVerification> verifyInline(CacheKind kind, CacheObject cache) {
        Duration budget = settings.inlineVerifyTimeout();
        return verifier.verify(kind, cache).toCompletableFuture()
                .orTimeout(budget.toMillis(), TimeUnit.MILLISECONDS)
                .handle((verification, error) -> {
                    if (error == null) {
                        return verification;
                    }
                    Throwable cause = unwrap(error);
                    return cause instanceof TimeoutException ? InlineVerification.timedOut(budget)
                            : InlineVerification.failed("the verification could not be run: "
                                    + (cause.getMessage() != null ? cause.getMessage() : cause.toString()));
                });
    }

    private CompletableFuture<WebhookAnswer> recordAndAnswer(WebhookPath path, AdmissionCall call,
                                                             AdmissionDecision decision, Instant start,
                                                             Executor answering) {
        Duration timeout = settings.auditTimeout();
        return recorder.record(admissionEvent(call, decision), auditEntry(path, call, decision))
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handleAsync((ok, error) -> {
                    AdmissionDecision answered = decision;
                    if (error != null) {
                        metrics.unrecorded(path);
                        String cause = recordingFailure(unwrap(error), timeout);
                        LOG.warn("admission {} ({} {}, {}) answered {} without being recorded: {}", call.uid(),
                                call.operation(), call.resourceKey(), path.webhook(),
                                settings.auditRequired() ? "DENIED (GKM_AUDIT_REQUIRED=true)" : decision.allowed()
                                        ? "ALLOWED" : "DENIED", cause);
                        if (settings.auditRequired()) {
                            answered = AdmissionDecision.deny(Check.DECISION_UNRECORDED, "the admission decision could "
                                    + "not be recorded (" + cause + ") and GKM_AUDIT_REQUIRED=true denies unrecorded decisions");
                            recorder.record(admissionEvent(call, answered), auditEntry(path, call, answered));
                        }
                    }
                    metrics.decided(path, answered, Duration.between(start, clock.instant()));
                    return WebhookAnswer.review(AdmissionReviews.answer(call.uid(), answered, call.object()));
                }, answering);
    }

    /** A bug must not become a 5xx: the API server gets a well-formed denial with the reason. */
    private WebhookAnswer failed(AdmissionCall call, Throwable error) {
        LOG.error("admission {} ({} {}) failed", call.uid(), call.operation(), call.resourceKey(), error);
        AdmissionDecision denied = new AdmissionDecision(false, 500, "admission failed inside the GKM webhook: " + error,
                Check.INTERNAL_ERROR, null);
        return WebhookAnswer.review(AdmissionReviews.answer(call.uid(), denied, null));
    }

    private AdmissionEvent admissionEvent(AdmissionCall call, AdmissionDecision decision) {
        CacheObject cache = call.cache();
        return AdmissionEvent.newBuilder()
                .setRequestUid(call.uid())
                .setOperation(call.operation())
                .setResourceKey(call.resourceKey().toString())
                .setKind(call.resourceKey().kind())
                .setUserName(call.userName())
                .setUserGroups(call.userGroups())
                .setSubmittedObject(call.object() == null ? null : AdmissionReviews.json(call.object()))
                .setMutatedObject(decision.changes().isEmpty() ? null
                        : AdmissionReviews.json(AdmissionReviews.patched(call.object(), decision.changes())))
                .setDecision(decision.allowed() ? Decision.ALLOWED : Decision.DENIED)
                .setReason(decision.message())
                .setKyvernoAnnotation(cache == null ? null : cache.annotation(GkmApi.KYVERNO_VERIFY_IMAGES_ANNOTATION))
                .setTime(clock.instant())
                .build();
    }

    private static AuditEntry auditEntry(WebhookPath path, AdmissionCall call, AdmissionDecision decision) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("uid", call.uid());
        details.put("operation", call.operation().name());
        details.put("webhook", path.webhook());
        details.put("check", decision.check().name());
        CacheObject cache = call.cache();
        if (cache != null) {
            details.put("image", cache.image());
            CacheObject admitted = cache.with(decision.changes());
            if (!admitted.image().equals(cache.image())) {
                details.put("pinnedImage", admitted.image());
            }
            Optional.ofNullable(admitted.annotation(GkmApi.RESOLVED_DIGEST_ANNOTATION))
                    .ifPresent(d -> details.put("resolvedDigest", d));
        }
        if (call.dryRun()) {
            details.put("dryRun", "true");
        }
        return new AuditEntry("admit", decision.allowed() ? "ALLOWED" : "DENIED",
                decision.message().isEmpty() ? null : decision.message(), call.resourceKey().toString(), details);
    }

    private static String resolutionFailure(Throwable error, Duration budget) {
        return error instanceof TimeoutException ? "no answer from the registry within " + budget.toSeconds() + "s"
                : error.getMessage() != null ? error.getMessage() : error.toString();
    }

    private static String recordingFailure(Throwable error, Duration timeout) {
        return error instanceof TimeoutException
                ? "Kafka did not acknowledge it within " + timeout.toMillis() + " ms (GKM_AUDIT_TIMEOUT)"
                : "Kafka refused it: " + error;
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
