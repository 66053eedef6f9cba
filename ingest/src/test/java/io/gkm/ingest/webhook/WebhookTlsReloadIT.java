package io.gkm.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gkm.schemas.Topics;
import io.gkm.testkit.KafkaCluster;
import io.gkm.testkit.WithKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new certificate and key written over the mounted files are served without a restart; a half-written pair is not. */
@WithKafka
class WebhookTlsReloadIT {
    private static final Duration RELOAD = Duration.ofMillis(200);

    @TempDir
    Path dir;

    private RunningWebhook webhook;

    @BeforeEach
    void start(KafkaCluster kafka) throws Exception {
        Topics topics = new Topics(kafka.uniqueName("tls") + ".", 1, (short) 1);
        kafka.createTopics(topics.admissions(), topics.audit());
        webhook = RunningWebhook.start(dir, RunningWebhook.Config.of(kafka.bootstrapServers(), topics)
                .withTimeouts(Duration.ofSeconds(5), RELOAD));
    }

    @AfterEach
    void stop() throws Exception {
        webhook.close();
    }

    private X509Certificate presented(X509Certificate... trusted) throws Exception {
        SSLContext tls = TestTls.trusting(trusted);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", webhook.server.port())) {
            socket.startHandshake();
            Certificate[] chain = socket.getSession().getPeerCertificates();
            return (X509Certificate) chain[0];
        }
    }

    /** As the kubelet updates a Secret volume: new files appear at once (atomic rename). */
    private void install(TestTls.Pair pair, boolean certificate, boolean key) throws Exception {
        Path newCert = dir.resolve("new.crt");
        Path newKey = dir.resolve("new.key");
        pair.writeTo(newCert, newKey);
        if (certificate) {
            Files.move(newCert, webhook.certFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        if (key) {
            Files.move(newKey, webhook.keyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void aRotatedPairIsServedToNewConnectionsWithoutRestart() throws Exception {
        X509Certificate old = webhook.tls.certificate();
        TestTls.Pair rotated = TestTls.selfSigned("gkm-webhook-rotated");
        int port = webhook.server.port();

        install(rotated, true, true);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(presented(old, rotated.certificate())).isEqualTo(rotated.certificate()));
        assertThat(webhook.server.port()).isEqualTo(port);
        assertThatThrownBy(() -> presented(old)).as("a client trusting only the old certificate")
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void aCertificateWithoutItsKeyIsNotServedUntilTheKeyArrives() throws Exception {
        X509Certificate old = webhook.tls.certificate();
        TestTls.Pair rotated = TestTls.selfSigned("gkm-webhook-rotated");

        install(rotated, true, false);
        Thread.sleep(RELOAD.toMillis() * 5);

        assertThat(presented(old, rotated.certificate())).isEqualTo(old);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                webhookMetric("gkm_ingest_webhook_tls_reloads_total{outcome=\"rejected\"}")).isEqualTo("1.0"));

        Files.move(dir.resolve("new.key"), webhook.keyFile, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(presented(old, rotated.certificate())).isEqualTo(rotated.certificate()));
    }

    private String webhookMetric(String name) {
        return webhook.registry.scrape().lines().filter(l -> l.startsWith(name + " ")).map(l -> l.substring(name.length() + 1))
                .findFirst().orElse("absent");
    }
}
