package io.gkm.verifier.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryCredentialsTest {
    @TempDir
    Path dir;

    private Path config(String json) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, json);
        return file;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void authFieldUsernamePasswordAndKeysWithSchemeOrPath() throws IOException {
        RegistryCredentials c = RegistryCredentials.fromDockerConfig(config("{\"auths\":{"
                + "\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("hub:pw") + "\"},"
                + "\"quay.io\":{\"username\":\"q\",\"password\":\"p:with:colons\"},"
                + "\"https://127.0.0.1:5000/v2/\":{\"auth\":\"" + b64("local:secret:x") + "\"},"
                + "\"helper.example\":{}},\"credsStore\":\"desktop\"}"));
        assertThat(c.forRegistry("docker.io")).contains(new RegistryCredentials.Credential("hub", "pw"));
        assertThat(c.forRegistry("quay.io")).contains(new RegistryCredentials.Credential("q", "p:with:colons"));
        assertThat(c.forRegistry("127.0.0.1:5000")).contains(new RegistryCredentials.Credential("local", "secret:x"));
        assertThat(c.forRegistry("helper.example")).isEmpty();
        assertThat(c.forRegistry("ghcr.io")).isEmpty();
    }

    @Test
    void basicAuthorizationHeaderAndPasswordNotPrinted() {
        RegistryCredentials.Credential c = new RegistryCredentials.Credential("u", "s3cr3t");
        assertThat(c.basicAuthorization()).isEqualTo("Basic " + b64("u:s3cr3t"));
        assertThat(c.toString()).doesNotContain("s3cr3t").contains("u");
    }

    @Test
    void brokenFilesFailWithThePath() throws IOException {
        Path bad = config("{\"auths\":{\"quay.io\":{\"auth\":\"" + b64("no-colon") + "\"}}}");
        assertThatThrownBy(() -> RegistryCredentials.fromDockerConfig(bad))
                .hasMessageContaining(bad.toString()).hasMessageContaining("auths.quay.io.auth");
        assertThatThrownBy(() -> RegistryCredentials.fromDockerConfig(dir.resolve("missing.json")))
                .hasMessageContaining("missing.json").hasMessageContaining("docker login");
    }

    @Test
    void defaultLocationIsDockerConfigEnvElseHomeAndMissingMeansNone() throws IOException {
        Path custom = Files.createDirectories(dir.resolve("custom"));
        Files.writeString(custom.resolve("config.json"), "{\"auths\":{\"quay.io\":{\"auth\":\"" + b64("a:b") + "\"}}}");
        assertThat(RegistryCredentials.fromDefaultDockerConfig(Map.of("DOCKER_CONFIG", custom.toString()), dir)
                .forRegistry("quay.io")).isPresent();
        assertThat(RegistryCredentials.fromDefaultDockerConfig(Map.of(), dir).forRegistry("quay.io")).isEmpty();
    }
}
