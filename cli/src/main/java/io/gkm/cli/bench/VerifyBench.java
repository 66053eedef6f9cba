package io.gkm.cli.bench;

import io.gkm.core.image.Digest;
import io.gkm.core.image.ImageReference;
import io.gkm.schemas.event.Verdict;
import io.gkm.schemas.event.VerificationResult;
import io.gkm.verifier.VerificationRequest;
import io.gkm.verifier.Verifier;
import io.gkm.verifier.oci.McvImage;
import io.gkm.verifier.oci.McvImageBuilder;
import io.gkm.verifier.oci.PushedImage;
import io.gkm.verifier.oci.RegistryClient;
import io.gkm.verifier.oci.RegistryRequestListener;
import io.gkm.verifier.policy.ClusterPolicy;
import io.gkm.verifier.sandbox.SandboxPolicies;
import io.gkm.verifier.sandbox.SandboxSigstore;
import io.gkm.verifier.sandbox.SignatureFormat;
import io.gkm.verifier.sandbox.Signing;
import io.gkm.verifier.sandbox.SigningIdentity;
import io.gkm.verifier.trust.TrustRoot;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code gkm bench verify}: per signature format, a sample MCV image pushed to a registry and
 * signed keyless by a sandbox Sigstore, verified by the real {@link Verifier} against GKM-shaped
 * policies. Measures registry requests and latency of a cold verification (a new registry client
 * each time: no auth, Referrers API probe or content remembered), the same with one client kept,
 * and decisions per second over evidence already fetched ({@link Verifier#decide}). The yardstick
 * measured in the same run is one registry round trip; the request counts stand beside cosign's
 * own minimum for each format. The formats take turns in every phase, so that both see the same
 * state of the JIT compiler and of the machine.
 */
public final class VerifyBench {
    /** Registry requests a verification may make beyond the image manifest (issue #4). */
    public static final int TARGET_BEYOND_MANIFEST = 2;

    static final String IMAGE_MANIFEST = "image manifest";
    static final String CONFIG_BLOB = "config blob";
    static final String SIGNATURE_BLOB = "signature blob";
    static final String SIG_MANIFEST = ".sig manifest";
    static final String REFERRERS_TAG = "referrers tag index";
    static final String REFERRERS_API = "Referrers API";
    static final String REFERRER_MANIFEST = "referrer manifest";
    private static final String TAG = "bench";
    /** The decisions of each format are cut into this many slices, taken in turn with the other's. */
    private static final int SLICES = 4;
    private static final Map<SignatureFormat, SigningIdentity> SIGNERS = Map.of(
            SignatureFormat.COSIGN_V2, SigningIdentity.uri(
                    "https://ci.gkm.example/caches/.github/workflows/build.yaml@refs/heads/main",
                    "https://ci-oidc.gkm.example"),
            SignatureFormat.SIGSTORE_BUNDLE, SigningIdentity.email("release@gkm.example", "https://oidc.gkm.example"));

    /**
     * How much.
     *
     * @param runs measured verifications per format and kind (cold, same client), and round trips
     * @param warmupRuns unmeasured ones before each (the JIT compiler's share)
     * @param decideFor time spent deciding over fetched evidence per format
     */
    public record Load(int runs, int warmupRuns, Duration decideFor) {
    }

    /** Requests of one verification, in the order sent, each named by what it fetched. */
    public record Requests(List<String> kinds) {
        public Requests {
            kinds = List.copyOf(kinds);
        }

        public long manifest() {
            return kinds.stream().filter(IMAGE_MANIFEST::equals).count();
        }

        public long beyondManifest() {
            return kinds.size() - manifest();
        }

        /** The requests beyond the image manifest, counted by kind in the order first sent. */
        public Map<String, Long> beyondByKind() {
            return kinds.stream().filter(kind -> !kind.equals(IMAGE_MANIFEST))
                    .collect(Collectors.groupingBy(kind -> kind, LinkedHashMap::new, Collectors.counting()));
        }

        public boolean targetMet() {
            return beyondManifest() <= TARGET_BEYOND_MANIFEST;
        }
    }

    /**
     * What one format gave.
     *
     * @param cold requests of each cold verification (they are the same every run, else the most)
     * @param again requests of a verification by a client that verified the image before
     * @param decisions {@link Verifier#decide} over fetched evidence, one verdict per "request"
     */
    public record FormatResult(SignatureFormat format, Requests cold, PhaseResult coldLatency, Requests again,
            PhaseResult againLatency, PhaseResult decisions) {
    }

    /** @param roundTrip one GET of the image manifest by tag, with a kept-alive client */
    public record Results(String registry, PhaseResult roundTrip, List<FormatResult> formats) {
    }

    /** One format's signed sample image and the request that names it. */
    record Sample(SignatureFormat format, String repository, Digest digest, Digest config,
            VerificationRequest request, ImageReference byTag) {
    }

    private VerifyBench() {
    }

    /**
     * Pushes and signs the samples in {@code registry} ({@code host:port}), then measures.
     *
     * @param clients a configured registry client that tells {@code listener} of each request
     * @throws IllegalStateException when a verification is not VERIFIED (its reasons say why)
     */
    public static Results run(String registry, Function<RegistryRequestListener, RegistryClient> clients, Load load,
            TrustRoot trustRoot, SandboxSigstore sigstore, PrintWriter progress) {
        RegistryClient pusher = clients.apply(RegistryRequestListener.NONE);
        String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        List<Sample> samples = new ArrayList<>();
        List<ClusterPolicy> policies = new ArrayList<>();
        for (SignatureFormat format : SignatureFormat.values()) {
            samples.add(pushAndSign(registry, format, run, pusher, sigstore));
            policies.add(SandboxPolicies.gkmCache(format, SIGNERS.get(format)));
        }
        say(progress, "pushed and signed " + samples.size() + " sample images in " + registry + "/gkm-bench/*-" + run);
        PhaseResult roundTrip = roundTrip(clients.apply(RegistryRequestListener.NONE), samples.get(0).byTag(), load);
        List<Format> formats = samples.stream().map(Format::new).toList();
        say(progress, load.runs() + " cold verifications per format, then " + load.runs() + " with one client, then "
                + load.decideFor().toMillis() + " ms of decisions, the formats taking turns");
        for (int i = 0; i < load.warmupRuns() + load.runs(); i++) {
            for (Format format : formats) {
                format.cold(verifier(policies, trustRoot, clients.apply(format.listener)), i >= load.warmupRuns());
            }
        }
        for (Format format : formats) {
            format.kept = verifier(policies, trustRoot, clients.apply(format.listener));
            format.again(false); // the client's first verification of the image is a cold one
        }
        for (int i = 0; i < load.warmupRuns() + load.runs(); i++) {
            for (Format format : formats) {
                format.again(i >= load.warmupRuns());
            }
        }
        Duration slice = load.decideFor().dividedBy(SLICES);
        for (int i = 0; i < SLICES; i++) {
            for (Format format : formats) {
                format.decide(slice);
            }
        }
        return new Results(registry, roundTrip, formats.stream().map(Format::result).toList());
    }

    /** One format under measurement: its sample, the requests of its last verification, its numbers so far. */
    private static final class Format {
        private final Sample sample;
        private final List<String> sent = new ArrayList<>();
        private final RegistryRequestListener listener;
        private final Measurement cold = new Measurement();
        private final Measurement again = new Measurement();
        private final Measurement decisions = new Measurement();
        private Requests coldRequests = new Requests(List.of());
        private Requests againRequests = new Requests(List.of());
        private Verifier kept;
        private Verifier.Evidence evidence;

        Format(Sample sample) {
            this.sample = sample;
            this.listener = (method, uri) -> sent.add(kind(sample, uri.getPath()));
        }

        /** One verification by {@code fresh}, a verifier with a new registry client. */
        void cold(Verifier fresh, boolean measured) {
            long took = timedVerification(fresh);
            if (measured) {
                cold.answered(took);
                cold.elapsed(took);
                if (sent.size() > coldRequests.kinds().size()) {
                    coldRequests = new Requests(sent);
                }
            }
        }

        /** One verification by the verifier kept, whose client verified the image before. */
        void again(boolean measured) {
            long took = timedVerification(kept);
            if (measured) {
                again.answered(took);
                again.elapsed(took);
                againRequests = new Requests(sent);
            }
        }

        /** Decisions over the evidence the kept verifier collected (once), for {@code time}. */
        void decide(Duration time) {
            if (evidence == null) {
                evidence = kept.collect(sample.request());
            }
            long end = System.nanoTime() + time.toNanos();
            while (System.nanoTime() < end) {
                long start = System.nanoTime();
                VerificationResult result = kept.decide(evidence);
                long took = System.nanoTime() - start;
                requireVerified(sample, result);
                decisions.answered(took);
                decisions.elapsed(took);
            }
        }

        private long timedVerification(Verifier verifier) {
            sent.clear();
            long start = System.nanoTime();
            VerificationResult result = verifier.verify(sample.request());
            long took = System.nanoTime() - start;
            requireVerified(sample, result);
            return took;
        }

        FormatResult result() {
            return new FormatResult(sample.format(), coldRequests, cold.result("cold"), againRequests,
                    again.result("same client"), decisions.result("decisions"));
        }
    }

    private static Sample pushAndSign(String registry, SignatureFormat format, String run, RegistryClient pusher,
            SandboxSigstore sigstore) {
        String repository = "gkm-bench/" + SandboxPolicies.labelValue(format) + "-" + run;
        McvImage image = McvImageBuilder.create().build();
        PushedImage pushed = image.push(pusher, ImageReference.parse(registry + "/" + repository + ":" + TAG));
        sigstore.imageSigner(pusher, registry).sign(format, repository, pushed.digest().toString(),
                Signing.keyless(SIGNERS.get(format)));
        // Pinned, as admission leaves spec.image: the verification also double-checks the tag.
        String pinned = pushed.byTag() + "@" + pushed.digest();
        VerificationRequest request = VerificationRequest.of("bench", "GKMCache", "gkm-bench", "sample",
                Map.of(SandboxPolicies.SIGNATURE_FORMAT_LABEL, SandboxPolicies.labelValue(format)), pinned);
        return new Sample(format, repository, pushed.digest(), Digest.sha256(image.config()), request,
                pushed.byTag());
    }

    private static PhaseResult roundTrip(RegistryClient client, ImageReference image, Load load) {
        Measurement measured = new Measurement();
        for (int i = 0; i < load.warmupRuns() + load.runs(); i++) {
            long start = System.nanoTime();
            client.fetchManifest(image);
            long took = System.nanoTime() - start;
            if (i >= load.warmupRuns()) {
                measured.answered(took);
                measured.elapsed(took);
            }
        }
        return measured.result("registry round trip");
    }

    private static Verifier verifier(List<ClusterPolicy> policies, TrustRoot trustRoot, RegistryClient client) {
        return Verifier.builder().policies(policies).trustRoot(trustRoot).registry(client).build();
    }

    private static void requireVerified(Sample sample, VerificationResult result) {
        if (result.getVerdict() != Verdict.VERIFIED) {
            throw new IllegalStateException("the " + describe(sample.format()) + " sample was " + result.getVerdict()
                    + ", not VERIFIED, so its numbers would mean nothing: " + String.join("; ", result.getReasons()));
        }
    }

    /** What a request to {@code path} fetched, for {@code sample}'s repository. */
    static String kind(Sample sample, String path) {
        String prefix = "/v2/" + sample.repository() + "/";
        if (!path.startsWith(prefix)) {
            return "other (" + path + ")";
        }
        String rest = path.substring(prefix.length());
        Digest image = sample.digest();
        if (rest.equals("manifests/" + TAG) || rest.equals("manifests/" + image)) {
            return IMAGE_MANIFEST;
        }
        if (rest.equals("blobs/" + sample.config())) {
            return CONFIG_BLOB;
        }
        if (rest.startsWith("blobs/")) {
            return SIGNATURE_BLOB;
        }
        if (rest.equals("manifests/" + image.signatureTag())) {
            return SIG_MANIFEST;
        }
        if (rest.equals("manifests/" + image.referrersTag())) {
            return REFERRERS_TAG;
        }
        if (rest.startsWith("referrers/")) {
            return REFERRERS_API;
        }
        return rest.startsWith("manifests/") ? REFERRER_MANIFEST : "other (" + path + ")";
    }

    static String describe(SignatureFormat format) {
        return format == SignatureFormat.COSIGN_V2 ? "cosign v2 (Kyverno type Cosign)"
                : "cosign v3 (Kyverno type SigstoreBundle)";
    }

    /** cosign's own minimum for the signatures of {@code format}, and what they are. */
    static String cosignMinimum(SignatureFormat format) {
        return format == SignatureFormat.COSIGN_V2 ? "2 (.sig manifest, signature layer)"
                : "3 (referrers list, referrer manifest, bundle blob)";
    }

    /** The report: per format the request counts with the target, latencies against a round trip, decisions/s. */
    public static String report(Results r, Load load) {
        StringBuilder b = new StringBuilder();
        PhaseResult trip = r.roundTrip();
        b.append(String.format("baseline: one registry round trip (GET the image manifest, client kept): p50 %.2f ms, "
                + "p99 %.2f ms (%d runs)%n", trip.p50Millis(), trip.p99Millis(), trip.completed()));
        for (FormatResult f : r.formats()) {
            b.append(String.format("%s, %d verifications of each kind, all VERIFIED:%n", describe(f.format()),
                    load.runs()));
            b.append("  cold (a new registry client each):\n");
            requests(b, f.cold());
            b.append(String.format("    sent: %s%n", String.join(", ", f.cold().kinds())));
            b.append(String.format("    beyond the manifest %d; cosign's own minimum for the signatures %s%n",
                    f.cold().beyondManifest(), cosignMinimum(f.format())));
            latency(b, f.coldLatency(), trip);
            target(b, "cold", f.cold());
            b.append("  same client again (Referrers API answer and content by digest kept):\n");
            requests(b, f.again());
            latency(b, f.againLatency(), trip);
            target(b, "same client", f.again());
            PhaseResult d = f.decisions();
            b.append(String.format("  decided over fetched evidence (signature checks and verdict, no registry I/O; "
                    + "the verifier keeps no verdicts):%n    %.0f verdicts/s, p50 %.3f ms, p99 %.3f ms (%d decisions)%n",
                    d.requestsPerSecond(), d.p50Millis(), d.p99Millis(), d.completed()));
        }
        return b.toString();
    }

    private static void requests(StringBuilder b, Requests requests) {
        String beyond = requests.beyondByKind().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
        b.append(String.format("    registry requests %d = image manifest %d + beyond %d (%s)%n",
                requests.kinds().size(), requests.manifest(), requests.beyondManifest(), beyond));
    }

    private static void latency(StringBuilder b, PhaseResult p, PhaseResult trip) {
        b.append(String.format("    latency p50 %.2f ms, p99 %.2f ms (p50 = %.1f round trips)%n", p.p50Millis(),
                p.p99Millis(), p.p50Millis() / trip.p50Millis()));
    }

    private static void target(StringBuilder b, String which, Requests requests) {
        b.append(String.format("    target <= %d requests beyond the manifest (%s): %s%n", TARGET_BEYOND_MANIFEST, which,
                requests.targetMet() ? "PASS" : "MISS"));
    }

    private static void say(PrintWriter progress, String line) {
        progress.println("  " + line);
        progress.flush();
    }
}
