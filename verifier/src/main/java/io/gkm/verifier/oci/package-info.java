/**
 * OCI registry access for the verifier and the webhook: tag resolution, manifests and blobs with
 * size limits and digest checks, referrers (Referrers API, else the {@code sha256-<hex>} tag
 * index), cosign v2 {@code .sig} manifests, docker {@code config.json} credentials (basic and
 * bearer token), the plain-HTTP rule ({@link io.gkm.verifier.oci.RegistrySettings#INSECURE_REGISTRIES}),
 * retries with backoff, and a request counter. {@link io.gkm.verifier.oci.RegistryClient} is the
 * entry point; {@link io.gkm.verifier.oci.McvImageBuilder} builds and pushes MCV cache images.
 *
 * <p>Why the HTTP is our own and not the ORAS Java SDK's (0.2.15): its {@code Registry} sends a
 * HEAD before every manifest or blob GET (two requests where one does), reads bodies whole into a
 * {@code String} (no size limit; binary blobs are corrupted by the UTF-8 round trip), has no
 * retries, no {@code Retry-After}, no read timeout, no hook to count requests, answers a Referrers
 * API 404 with an exception instead of the tag-schema fallback, wraps every failure in one
 * {@code OrasException} (retriable and fatal cannot be told apart), and its docker config reader
 * knows only the {@code auth} field and no password containing ':'. Image references and digests
 * are core's ({@link io.gkm.core.image}), shared with the policy matcher and the webhook.
 */
package io.gkm.verifier.oci;
