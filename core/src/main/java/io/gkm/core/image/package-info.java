/**
 * Image references and digests, shared by every stage that reads an image name: the admission
 * webhook, the Kyverno policy matcher and the registry client.
 *
 * <ul>
 *   <li>{@link io.gkm.core.image.ImageReference}: parse with the OCI distribution grammar;
 *       registry, repository, tag and digest; the normalised form for registry access and the
 *       form Kyverno matches {@code imageReferences} globs against.</li>
 *   <li>{@link io.gkm.core.image.Digest}: a sha256, sha384 or sha512 content digest; hashing,
 *       constant-time checks, the referrers and cosign signature tags.</li>
 *   <li>{@link io.gkm.core.image.InvalidImageReferenceException}: the one error for bad input,
 *       naming the reference and what is wrong with it.</li>
 * </ul>
 *
 * <p>Pure values: no I/O.
 */
package io.gkm.core.image;
