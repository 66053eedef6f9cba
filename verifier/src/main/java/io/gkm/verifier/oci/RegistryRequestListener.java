package io.gkm.verifier.oci;

import java.net.URI;

/**
 * Told of every request a {@link RegistryClient} sends (token requests, retries and redirect hops
 * included), as it is sent: what {@link RegistryClient#requestCount()} counts, one by one. Called
 * on the sending thread; must be quick and must not throw.
 */
@FunctionalInterface
public interface RegistryRequestListener {
    RegistryRequestListener NONE = (method, uri) -> { };

    void sent(String method, URI uri);
}
