package io.gkm.localregistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code docker-registry}: serves the distribution API on loopback, then leaves nothing behind. */
class LocalRegistryIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void servesOnLoopbackThenStopsAndDeletesItsTempDir(@TempDir Path parent) throws Exception {
        LocalRegistry registry = LocalRegistry.start(LocalRegistry.DEFAULT_BINARY, parent, Duration.ofSeconds(15));
        Path tempDir = registry.tempDir();
        URI v2 = URI.create("http://" + registry.hostPort() + "/v2/");
        assertThat(registry.hostPort()).isEqualTo("127.0.0.1:" + registry.port());
        assertThat(registry.storageDir()).isDirectory().startsWith(tempDir);
        HttpResponse<Void> answer = HTTP.send(HttpRequest.newBuilder(v2).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Docker-Distribution-Api-Version")).hasValue("registry/2.0");

        registry.close();

        assertThat(registry.isAlive()).isFalse();
        assertThat(tempDir).doesNotExist();
        assertThatThrownBy(() -> HTTP.send(HttpRequest.newBuilder(v2).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding())).isInstanceOf(ConnectException.class);
    }
}
