package io.gkm.verifier.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;

/**
 * Sends registry requests on {@link HttpClient}: the plain-HTTP rule on every URL, basic and
 * bearer-token auth from 401 challenges (remembered per registry, tokens cached per scope, so a
 * second request does not pay the 401 round trip again), redirects (credentials only to the same
 * origin), bounded bodies, a whole-exchange timeout, retries on transient failures, and a count
 * of every request sent.
 */
final class RegistryTransport {

    /**
     * One request as the client means it.
     *
     * @param registry     the registry as written in the image reference: the key for credentials
     * @param repository   for the token scope; null for requests outside a repository
     * @param push         true if the request writes (token scope {@code pull,push})
     * @param authenticate false for token requests themselves: no challenge flow, an Authorization
     *                     in {@code headers} is sent as is (to the same origin only)
     * @param maxBodyBytes longest successful body we read; beyond it the response is marked over limit
     * @param what         what the request is for, first words of every error message
     * @param bodyFile     null: a successful body is kept in memory; else it is written to this file
     *                     (created or truncated at each attempt), never held in memory
     */
    record Call(String method, URI uri, String registry, String repository, boolean push, boolean authenticate,
                Map<String, String> headers, byte[] body, long maxBodyBytes, String what, Path bodyFile) {

        /** A call whose answer is kept in memory. */
        Call(String method, URI uri, String registry, String repository, boolean push, boolean authenticate,
             Map<String, String> headers, byte[] body, long maxBodyBytes, String what) {
            this(method, uri, registry, repository, push, authenticate, headers, body, maxBodyBytes, what, null);
        }
    }

    /**
     * An answer. {@code overLimit}: the body was longer than the call allowed and was cut off (or
     * not read: Content-Length said so); {@code bodySize} is then the declared or seen length.
     */
    record Response(int status, HttpHeaders headers, byte[] body, boolean overLimit, long bodySize, URI uri) {
        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        /** The registry's error codes and messages, else the start of the body. */
        String errorText() {
            try {
                JsonNode errors = JSON.readTree(body).path("errors");
                if (errors.isArray() && errors.size() > 0) {
                    StringBuilder b = new StringBuilder();
                    for (JsonNode e : errors) {
                        b.append(b.length() == 0 ? "" : "; ").append(e.path("code").asText("?"))
                                .append(": ").append(e.path("message").asText(""));
                    }
                    return b.toString();
                }
            } catch (IOException | RuntimeException notJson) {
                // fall through to the raw text
            }
            String text = new String(body, StandardCharsets.UTF_8).strip();
            return text.length() > 200 ? text.substring(0, 200) + "..." : text;
        }
    }

    static final String USER_AGENT = "gkm-verifier";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 5;
    private static final int ERROR_BODY_BYTES = 16 * 1024;
    private static final int TOKEN_BODY_BYTES = 64 * 1024;
    /** Docker's token spec: a token without expires_in lives 60 s. */
    private static final Duration TOKEN_DEFAULT_LIFETIME = Duration.ofSeconds(60);
    private static final Duration TOKEN_MARGIN = Duration.ofSeconds(5);

    private final HttpClient http;
    private final TransportPolicy policy;
    private final RegistryCredentials credentials;
    private final RetryPolicy retry;
    /** The slowest transfer a layer download is given time for: 4 MiB/s. */
    static final long MIN_DOWNLOAD_BYTES_PER_SECOND = 4L * 1024 * 1024;
    private final Duration timeout;
    private final Clock clock;
    private final RegistryRequestListener listener;
    private final AtomicLong requests = new AtomicLong();
    /** The last challenge of each registry: later requests authorise up front. */
    private final Map<String, AuthChallenge> challenges = new ConcurrentHashMap<>();
    /** Bearer tokens by registry and scope. */
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    private record Token(String value, Instant expires) {
    }

    /** A failure worth another attempt: no connection, reset, timeout. */
    private static final class TransientFailure extends Exception {
        private static final long serialVersionUID = 1L;

        TransientFailure(Throwable cause) {
            super(cause);
        }
    }

    RegistryTransport(TransportPolicy policy, RegistryCredentials credentials, RetryPolicy retry, Duration timeout,
                      Clock clock, RegistryRequestListener listener) {
        this.policy = policy;
        this.listener = listener;
        this.credentials = credentials;
        this.retry = retry;
        this.timeout = timeout;
        this.clock = clock;
        Duration connect = timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10);
        this.http = HttpClient.newBuilder()
                .connectTimeout(connect)
                .followRedirects(HttpClient.Redirect.NEVER) // followed here, with the plain-HTTP rule
                .build();
    }

    long requestCount() {
        return requests.get();
    }

    TransportPolicy policy() {
        return policy;
    }

    /**
     * Sends with auth, redirects and retries. Returns any answer that is not transient (404 and
     * 403 included: their meaning depends on the call). Throws {@link RegistryUnavailableException}
     * when the retries are spent, {@link RegistryException} for 401 after auth, refused plain HTTP
     * and failed TLS.
     */
    Response execute(Call call) {
        for (int attempt = 1; ; attempt++) {
            Response response;
            try {
                response = exchange(call);
            } catch (TransientFailure e) {
                pause(call, attempt, null, 0, e.getCause());
                continue;
            }
            if (isTransient(response.status())) {
                pause(call, attempt, response.header("Retry-After").orElse(null), response.status(), null);
                continue;
            }
            return response;
        }
    }

    /** 429 and 5xx, except 501 and 505 (not implemented / not supported: asking again will not help). */
    static boolean isTransient(int status) {
        return status == 429 || (status >= 500 && status != 501 && status != 505);
    }

    private void pause(Call call, int attempt, String retryAfter, int status, Throwable cause) {
        Optional<Duration> delay = retry.nextDelay(attempt, retryAfter, clock.instant());
        if (delay.isEmpty()) {
            String last = status == 0 ? "no answer (" + cause + ")"
                    : "HTTP " + status + (retryAfter == null ? "" : " with Retry-After: " + retryAfter);
            String gaveUp = attempt >= retry.maxAttempts() ? "after " + attempt + " attempt(s)"
                    : "at once, because its Retry-After is longer than the " + retry.maxRetryAfter().toMillis()
                            + " ms we wait";
            throw new RegistryUnavailableException(call.what() + ": registry " + call.registry()
                    + " is unavailable; gave up " + gaveUp + "; last: " + last
                    + ". Check that the registry is up and reachable; the work is retried later.", status, cause);
        }
        try {
            Thread.sleep(delay.get().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException(call.what() + ": interrupted while waiting to retry", status, e);
        }
    }

    private Response exchange(Call call) throws TransientFailure {
        if (!call.authenticate()) {
            return followRedirects(call, call.headers().get("Authorization"));
        }
        String scope = scope(call);
        AuthChallenge known = challenges.get(call.registry());
        String authorization = known == null ? null : authorize(call, known, scope, false);
        Response response = followRedirects(call, authorization);
        if (response.status() != 401) {
            return response;
        }
        AuthChallenge challenge = usableChallenge(call, response);
        challenges.put(call.registry(), challenge);
        if (authorization != null && challenge.scheme().equals("basic")) {
            throw unauthorized(call, "refused the basic-auth credentials of "
                    + credentials.forRegistry(call.registry()).map(RegistryCredentials.Credential::username).orElse("?")
                    + " from " + credentials.source());
        }
        tokens.remove(tokenKey(call, scope)); // expired, revoked or too narrow: get a fresh one
        String fresh = authorize(call, challenge, scope, true);
        Response retried = followRedirects(call, fresh);
        if (retried.status() == 401) {
            throw unauthorized(call, "answered 401 again with the credentials we have ("
                    + credentials.forRegistry(call.registry()).map(c -> "user " + c.username()).orElse("anonymous")
                    + " from " + credentials.source() + ")");
        }
        return retried;
    }

    private AuthChallenge usableChallenge(Call call, Response response) {
        List<AuthChallenge> offered = AuthChallenge.parse(response.headers().allValues("WWW-Authenticate"));
        return offered.stream().filter(c -> c.scheme().equals("bearer")).findFirst()
                .or(() -> offered.stream().filter(c -> c.scheme().equals("basic")).findFirst())
                .orElseThrow(() -> unauthorized(call, "answered 401 without a Basic or Bearer challenge ("
                        + response.headers().allValues("WWW-Authenticate") + ")"));
    }

    /** The Authorization value for {@code challenge}, or null (only when not {@code required}). */
    private String authorize(Call call, AuthChallenge challenge, String scope, boolean required) {
        Optional<RegistryCredentials.Credential> credential = credentials.forRegistry(call.registry());
        if (challenge.scheme().equals("basic")) {
            if (credential.isEmpty() && required) {
                throw unauthorized(call, "requires credentials (basic auth) and there are none for "
                        + call.registry() + " in " + credentials.source());
            }
            return credential.map(RegistryCredentials.Credential::basicAuthorization).orElse(null);
        }
        String key = tokenKey(call, scope);
        Token cached = tokens.get(key);
        if (cached != null && cached.expires().isAfter(clock.instant())) {
            return "Bearer " + cached.value();
        }
        Token token = fetchToken(call, challenge, scope, credential);
        tokens.put(key, token);
        return "Bearer " + token.value();
    }

    /** Docker token flow: GET realm?service=..&scope=.. with basic credentials if we have some. */
    private Token fetchToken(Call call, AuthChallenge challenge, String scope,
                             Optional<RegistryCredentials.Credential> credential) {
        String realm = challenge.realm();
        if (realm == null || realm.isBlank()) {
            throw unauthorized(call, "sent a Bearer challenge without realm");
        }
        StringBuilder query = new StringBuilder();
        if (challenge.service() != null) {
            query.append("service=").append(URLEncoder.encode(challenge.service(), StandardCharsets.UTF_8));
        }
        if (scope != null) {
            query.append(query.length() == 0 ? "" : "&").append("scope=")
                    .append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        }
        URI uri;
        try {
            uri = URI.create(realm + (query.length() == 0 ? "" : (realm.contains("?") ? "&" : "?") + query));
        } catch (IllegalArgumentException e) {
            throw unauthorized(call, "sent a Bearer realm that is not a URL: " + realm);
        }
        Map<String, String> headers = credential
                .map(c -> Map.of("Accept", "application/json", "Authorization", c.basicAuthorization()))
                .orElse(Map.of("Accept", "application/json"));
        Call tokenCall = new Call("GET", uri, call.registry(), null, false, false, headers, null, TOKEN_BODY_BYTES,
                call.what() + ": token request to " + uri.getScheme() + "://" + uri.getAuthority() + uri.getPath());
        Response response = execute(tokenCall);
        if (response.status() == 401 || response.status() == 403) {
            throw unauthorized(call, "token service " + uri.getAuthority() + " refused "
                    + credential.map(c -> "the credentials of " + c.username() + " from " + credentials.source())
                            .orElse("anonymous access (no credentials for " + call.registry() + " in "
                                    + credentials.source() + ")") + ": " + response.errorText());
        }
        if (response.status() != 200 || response.overLimit()) {
            throw new RegistryException(RegistryException.Reason.UNEXPECTED_RESPONSE, tokenCall.what()
                    + " answered HTTP " + response.status() + ": " + response.errorText());
        }
        try {
            JsonNode root = JSON.readTree(response.body());
            String token = root.path("token").asText(root.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw new RegistryException(RegistryException.Reason.UNEXPECTED_RESPONSE,
                        tokenCall.what() + " answered without token or access_token");
            }
            Duration lifetime = Duration.ofSeconds(root.path("expires_in").asLong(TOKEN_DEFAULT_LIFETIME.toSeconds()));
            Duration margin = lifetime.dividedBy(2).compareTo(TOKEN_MARGIN) < 0 ? lifetime.dividedBy(2) : TOKEN_MARGIN;
            return new Token(token, clock.instant().plus(lifetime).minus(margin));
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Reason.UNEXPECTED_RESPONSE,
                    tokenCall.what() + " answered something that is not JSON", e);
        }
    }

    private static String scope(Call call) {
        return call.repository() == null ? null
                : "repository:" + call.repository() + (call.push() ? ":pull,push" : ":pull");
    }

    private static String tokenKey(Call call, String scope) {
        return call.registry() + " " + scope;
    }

    private static RegistryException unauthorized(Call call, String problem) {
        return new RegistryException(RegistryException.Reason.UNAUTHORIZED, call.what() + ": registry "
                + call.registry() + " " + problem + ". Log in (docker login " + call.registry() + ") and point "
                + RegistrySettings.REGISTRY_AUTH_FILE.envVar() + " at that config.json, or check its credentials.");
    }

    private Response followRedirects(Call call, String authorization) throws TransientFailure {
        URI uri = call.uri();
        for (int hop = 0; ; hop++) {
            policy.check(uri, call.what());
            HttpRequest.BodyPublisher body = call.body() == null
                    ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(call.body());
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).method(call.method(), body)
                    .header("User-Agent", USER_AGENT);
            if ("http".equalsIgnoreCase(uri.getScheme())) {
                request.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance with plain registries
            }
            call.headers().forEach((name, value) -> {
                if (!name.equalsIgnoreCase("Authorization")) { // sent below, to the same origin only
                    request.header(name, value);
                }
            });
            if (authorization != null && sameOrigin(uri, call.uri())) {
                request.header("Authorization", authorization);
            }
            Response response = send(request.build(), call);
            boolean redirect = response.status() == 301 || response.status() == 302 || response.status() == 303
                    || response.status() == 307 || response.status() == 308;
            if (!redirect || !(call.method().equals("GET") || call.method().equals("HEAD"))) {
                return response;
            }
            if (hop >= MAX_REDIRECTS) {
                throw new RegistryException(RegistryException.Reason.UNEXPECTED_RESPONSE,
                        call.what() + ": more than " + MAX_REDIRECTS + " redirects, last to " + uri);
            }
            String location = response.header("Location").orElseThrow(() -> new RegistryException(
                    RegistryException.Reason.UNEXPECTED_RESPONSE, call.what() + ": redirect "
                    + response.status() + " without Location from " + response.uri()));
            uri = uri.resolve(location);
        }
    }

    /**
     * How long a whole answer may take: the timeout, and for a layer downloaded to a file also the
     * time its size takes at {@value #MIN_DOWNLOAD_BYTES_PER_SECOND} bytes a second, so that a large
     * cache layer is not cut off (and downloaded again from the start) by a timeout meant for a
     * manifest.
     */
    private Duration answerTimeout(Call call) {
        return call.bodyFile() == null ? timeout
                : timeout.plusSeconds(call.maxBodyBytes() / MIN_DOWNLOAD_BYTES_PER_SECOND);
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
                && a.getPort() == b.getPort();
    }

    private Response send(HttpRequest request, Call call) throws TransientFailure {
        requests.incrementAndGet();
        listener.sent(request.method(), request.uri());
        boolean head = request.method().equals("HEAD");
        CompletableFuture<HttpResponse<BoundedBody.Body>> future = http.sendAsync(request, info -> {
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            boolean success = info.statusCode() / 100 == 2;
            if (head) {
                return HttpResponse.BodySubscribers.replacing(BoundedBody.Body.EMPTY);
            }
            if (success && call.bodyFile() != null) {
                return new FileBody(call.bodyFile(), call.maxBodyBytes(), declared);
            }
            return new BoundedBody(success ? call.maxBodyBytes() : ERROR_BODY_BYTES, declared);
        });
        Duration answer = answerTimeout(call);
        try {
            // The request timeout only covers the wait for headers; this one covers the body too.
            HttpResponse<BoundedBody.Body> response = future.get(answer.toMillis(), TimeUnit.MILLISECONDS);
            BoundedBody.Body body = response.body();
            return new Response(response.statusCode(), response.headers(), body.bytes(), body.overLimit(),
                    body.size(), response.uri());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new TransientFailure(new HttpTimeoutException(request.method() + " " + request.uri()
                    + ": no complete answer within " + answer.toMillis() + " ms"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t instanceof SSLException) {
                    throw new RegistryException(RegistryException.Reason.TLS_FAILED, call.what() + ": TLS with "
                            + request.uri().getAuthority() + " failed (" + t.getMessage() + "). If this registry "
                            + "serves plain HTTP on a network you trust, list it in "
                            + RegistrySettings.INSECURE_REGISTRIES.envVar() + "; if a private CA signed its "
                            + "certificate, add that CA to the JVM trust store.", t);
                }
            }
            if (cause instanceof IOException) {
                throw new TransientFailure(cause);
            }
            throw new RegistryException(RegistryException.Reason.UNEXPECTED_RESPONSE,
                    call.what() + ": " + request.method() + " " + request.uri() + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException(call.what() + ": interrupted", 0, e);
        }
    }

    /** Collects a body up to {@code max} bytes; cuts it off (and stops reading) beyond that. */
    static final class BoundedBody implements HttpResponse.BodySubscriber<BoundedBody.Body> {

        record Body(byte[] bytes, boolean overLimit, long size) {
            static final Body EMPTY = new Body(new byte[0], false, 0);
        }

        private final long max;
        private final long declared;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<Body> result = new CompletableFuture<>();
        private Flow.Subscription subscription;
        private long seen;

        BoundedBody(long max, long declared) {
            this.max = max;
            this.declared = declared;
        }

        @Override
        public CompletionStage<Body> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (declared > max) {
                s.cancel(); // Content-Length already says too much: do not read any of it
                result.complete(new Body(new byte[0], true, declared));
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer buffer : items) {
                int n = buffer.remaining();
                long room = max - seen;
                seen += n;
                if (n > room) {
                    byte[] part = new byte[(int) room];
                    buffer.get(part);
                    out.write(part, 0, part.length);
                    subscription.cancel();
                    result.complete(new Body(out.toByteArray(), true, Math.max(seen, declared)));
                    return;
                }
                byte[] chunk = new byte[n];
                buffer.get(chunk);
                out.write(chunk, 0, n);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(new Body(out.toByteArray(), false, seen));
        }
    }

    /**
     * Writes a body to a file up to {@code max} bytes; cuts it off (and stops reading) beyond that,
     * so a layer is never held in memory and a registry cannot fill the disk past the limit.
     */
    static final class FileBody implements HttpResponse.BodySubscriber<BoundedBody.Body> {
        private final Path file;
        private final long max;
        private final long declared;
        private final CompletableFuture<BoundedBody.Body> result = new CompletableFuture<>();
        private Flow.Subscription subscription;
        private FileChannel channel;
        private long seen;

        FileBody(Path file, long max, long declared) {
            this.file = file;
            this.max = max;
            this.declared = declared;
        }

        @Override
        public CompletionStage<BoundedBody.Body> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
                s.cancel();
                result.completeExceptionally(e);
                return;
            }
            if (declared > max) {
                finish(s, true, declared); // Content-Length already says too much: do not read any of it
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            try {
                for (ByteBuffer buffer : items) {
                    long room = max - seen;
                    seen += buffer.remaining();
                    if (buffer.remaining() > room) {
                        buffer.limit(buffer.position() + (int) room);
                        write(buffer);
                        finish(subscription, true, Math.max(seen, declared));
                        return;
                    }
                    write(buffer);
                }
            } catch (IOException e) {
                subscription.cancel();
                close();
                result.completeExceptionally(e);
            }
        }

        private void write(ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        private void finish(Flow.Subscription s, boolean overLimit, long size) {
            s.cancel();
            close();
            result.complete(new BoundedBody.Body(new byte[0], overLimit, size));
        }

        private void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the body is judged by its size and digest, read back from the file
            }
        }

        @Override
        public void onError(Throwable throwable) {
            close();
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            close();
            result.complete(new BoundedBody.Body(new byte[0], false, seen));
        }
    }
}
