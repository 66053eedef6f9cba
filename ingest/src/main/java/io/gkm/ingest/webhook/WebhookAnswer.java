package io.gkm.ingest.webhook;

import java.util.Objects;

/**
 * What the webhook sends back for one request.
 *
 * @param status HTTP status
 * @param contentType Content-Type of the body
 * @param body the body
 */
public record WebhookAnswer(int status, String contentType, byte[] body) {
    public static final String JSON = "application/json";
    public static final String TEXT = "text/plain; charset=utf-8";

    public WebhookAnswer {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }

    static WebhookAnswer review(byte[] review) {
        return new WebhookAnswer(200, JSON, review);
    }

    static WebhookAnswer plain(int status, String reason) {
        return new WebhookAnswer(status, TEXT, AdmissionReviews.text(reason));
    }
}
