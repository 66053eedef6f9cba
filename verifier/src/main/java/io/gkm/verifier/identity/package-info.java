/**
 * Signer identity matching with Kyverno's semantics, and the two pattern languages that
 * Kyverno policies use.
 *
 * <ul>
 *   <li>{@link io.gkm.verifier.identity.Wildcard}: Kyverno's glob ({@code *}, {@code ?}, full
 *       match), used for {@code issuer}, {@code subject}, image references, names, namespaces,
 *       kinds and label selectors.</li>
 *   <li>{@link io.gkm.verifier.identity.GoRegex}: Go RE2 syntax, matched unanchored like Go's
 *       {@code regexp.MatchString}, used for {@code issuerRegExp} and {@code subjectRegExp}.</li>
 *   <li>{@link io.gkm.verifier.identity.IdentityMatcher}: a keyless entry's
 *       {@link io.gkm.verifier.identity.IdentityRequirement} against the
 *       {@link io.gkm.verifier.identity.SignerIdentity} read from a certificate.</li>
 * </ul>
 *
 * <p>Pure logic: no I/O. The policy package builds on this one, never the other way round.
 */
package io.gkm.verifier.identity;
