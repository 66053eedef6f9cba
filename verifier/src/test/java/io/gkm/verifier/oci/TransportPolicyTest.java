package io.gkm.verifier.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransportPolicyTest {

    @Test
    void loopbackRegistriesArePlainHttpEverythingElseHttps() {
        TransportPolicy none = new TransportPolicy(List.of());
        assertThat(none.scheme("127.0.0.1:5000")).isEqualTo("http");
        assertThat(none.scheme("127.8.9.10:5000")).isEqualTo("http");
        assertThat(none.scheme("localhost:5000")).isEqualTo("http");
        assertThat(none.scheme("[::1]:5000")).isEqualTo("http");
        assertThat(none.scheme("10.1.2.3:5000")).isEqualTo("https");
        assertThat(none.scheme("registry.internal:5000")).isEqualTo("https");
        assertThat(none.scheme("quay.io")).isEqualTo("https");
    }

    @Test
    void listedRegistriesArePlainHttpByHostOrHostAndPort() {
        TransportPolicy p = new TransportPolicy(List.of("registry.internal:5000", "10.1.2.3"));
        assertThat(p.scheme("registry.internal:5000")).isEqualTo("http");
        assertThat(p.scheme("registry.internal:6000")).isEqualTo("https");
        assertThat(p.scheme("10.1.2.3:7000")).isEqualTo("http");
        assertThatCode(() -> p.check(URI.create("http://registry.internal:5000/v2/"), "t")).doesNotThrowAnyException();
        assertThatCode(() -> p.check(URI.create("http://10.1.2.3/v2/"), "t")).doesNotThrowAnyException();
    }

    @Test
    void plainHttpToANonLoopbackUnlistedHostIsRefusedNamingTheSetting() {
        TransportPolicy p = new TransportPolicy(List.of());
        assertThatThrownBy(() -> p.check(URI.create("http://10.1.2.3:5000/v2/a/manifests/b"), "fetch a"))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.INSECURE_REFUSED))
                .hasMessageContaining("fetch a").hasMessageContaining("GKM_INSECURE_REGISTRIES");
        assertThatThrownBy(() -> p.check(URI.create("ftp://127.0.0.1/x"), "t")).isInstanceOf(RegistryException.class);
        assertThatCode(() -> p.check(URI.create("https://10.1.2.3/v2/"), "t")).doesNotThrowAnyException();
    }

    @Test
    void hostNamesAreNotResolvedToDecideLoopback() {
        assertThat(TransportPolicy.isLoopback("localhost")).isTrue();
        assertThat(TransportPolicy.isLoopback("localhost.example.com")).isFalse();
        assertThat(TransportPolicy.isLoopback("127.0.0.1")).isTrue();
        assertThat(TransportPolicy.isLoopback("::1")).isTrue();
        assertThat(TransportPolicy.isLoopback("192.0.2.1")).isFalse();
    }

    @Test
    void anEntryWithSchemeOrPathIsAConfigurationError() {
        assertThatThrownBy(() -> new TransportPolicy(List.of("http://registry:5000")))
                .hasMessageContaining("host or host:port");
    }
}
