/**
 * Kyverno {@code ClusterPolicy} image verification rules: load them, and decide which rules and
 * {@code verifyImages} entries apply to a GKMCache or ClusterGKMCache and its images. Pure
 * logic; {@link io.gkm.verifier.policy.PolicyLoader} reads files and nothing else.
 *
 * <h2>Entry points</h2>
 * <ul>
 *   <li>{@link io.gkm.verifier.policy.PolicyLoader#load(java.nio.file.Path)}: file, directory or
 *       kustomization to {@link io.gkm.verifier.policy.ClusterPolicy} records; failures are a
 *       {@link io.gkm.verifier.policy.PolicyLoadException} naming file and field path.</li>
 *   <li>{@link io.gkm.verifier.policy.PolicyEngine#evaluate}: a
 *       {@link io.gkm.verifier.policy.KubeResource} to a
 *       {@link io.gkm.verifier.policy.PolicyEvaluation}: per rule whether it applies and why,
 *       per image and {@code verifyImages} entry whether to verify it.</li>
 *   <li>{@link io.gkm.verifier.policy.ImageVerification#evaluate}: per-entry signature outcomes
 *       to the attestor verdict ({@code count}, every set must pass).</li>
 * </ul>
 *
 * <h2>Supported subset (anything else fails the load)</h2>
 * <pre>
 * apiVersion: kyverno.io/v1, kind: ClusterPolicy, metadata (name required; the rest ignored), status (ignored)
 * spec: validationFailureAction (Audit|Enforce, also audit|enforce; default Audit), background (default true),
 *       webhookTimeoutSeconds (1..30), rules (at least one)
 * rules[]: name (unique, at most 63 characters), match, exclude, imageExtractors, verifyImages (at least one)
 * match / exclude: any | all (not both) of [ { resources: { kinds, names, namespaces, selector } } ]
 *       kinds are required in match filters; selector: matchLabels, matchExpressions (In, NotIn, Exists, DoesNotExist)
 * imageExtractors: { Kind: [ { path (required, "*" walks lists and objects), value, key, name } ] }
 * verifyImages[]: imageReferences (required), skipImageReferences, type (Cosign | SigstoreBundle, default Cosign),
 *       mutateDigest, verifyDigest, required (each default true), failureAction (Audit|Enforce),
 *       attestors (at least one set)
 * attestors[]: count (1..entries written; default: all entries), entries[]: exactly one of
 *       keyless: issuer, issuerRegExp, subject, subjectRegExp, rekor {url (required), pubkey, ignoreTlog},
 *                ctlog {ignoreSCT, pubkey}, roots (PEM certificates); rekor or roots required
 *       keys:    publicKeys (PEM; several blocks = one entry each), rekor {url, pubkey, ignoreTlog},
 *                ctlog {ignoreSCT, pubkey}
 * </pre>
 * Fields the Kubernetes API server writes with their default value into policies read back from
 * a cluster are accepted with exactly that value: {@code spec.admission: true},
 * {@code spec.emitWarning: false}, {@code spec.skipBackgroundRequests: true},
 * {@code verifyImages[].useCache: true}, {@code signatureAlgorithm: sha256}.
 *
 * <h2>Kyverno's validation, repeated here</h2>
 * {@code mutateDigest} (default true) must be false when the effective failure action is
 * {@code Audit}; {@code count} may not exceed the entries written; regular expressions and PEM
 * blocks must parse; an empty label selector is refused.
 *
 * <h2>Matching</h2>
 * {@code match.any}: one filter passes; {@code match.all}: every filter passes;
 * {@code exclude.any}: one filter passing excludes; {@code exclude.all}: all must pass to exclude.
 * Within a filter every criterion set must hold, and a list holds when one entry does. Names,
 * namespaces, kinds, {@code matchLabels} with wildcards, and image references use
 * {@link io.gkm.verifier.identity.Wildcard}. Image references are matched against
 * {@link io.gkm.core.image.ImageReference#kyvernoForm()}. Kinds without
 * {@code imageExtractors} use {@code /spec/image} for GKMCache and ClusterGKMCache, nothing for
 * others.
 */
package io.gkm.verifier.policy;
