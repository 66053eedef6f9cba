package io.gkm.verifier.policy;

import io.gkm.verifier.identity.GoRegex;
import io.gkm.verifier.identity.IdentityRequirement;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One {@code ClusterPolicy} document to the model, field by field: only the supported subset
 * (see the package documentation) is accepted, with the validation Kyverno applies at admission.
 */
final class ClusterPolicyParser {

    private static final String API_VERSION = "kyverno.io/v1";
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final int MAX_RULE_NAME = 63;

    private ClusterPolicyParser() {}

    static ClusterPolicy parse(PolicyNode root, PolicySource source) throws PolicyLoadException {
        root.object().checkFields(Set.of("apiVersion", "kind", "metadata", "spec", "status"));
        String kind = root.requiredText("kind");
        if (!kind.equals("ClusterPolicy")) {
            throw root.get("kind").error(kind.equals("Policy")
                    ? "Policy not supported: only ClusterPolicy (a namespaced Policy cannot cover ClusterGKMCache)"
                    : "expected ClusterPolicy, found " + kind);
        }
        String apiVersion = root.requiredText("apiVersion");
        if (!apiVersion.equals(API_VERSION)) {
            throw root.get("apiVersion").error(apiVersion + " not supported: expected " + API_VERSION);
        }
        // metadata never changes what a policy does: labels, annotations and server fields are accepted.
        String name = root.get("metadata").object().requiredText("name");
        if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
            throw root.get("metadata").get("name").error("\"" + name + "\" is not a valid Kubernetes object name"
                    + " (lower-case letters, digits, '-' and '.', at most 253 characters)");
        }
        PolicyNode spec = root.get("spec").object();
        spec.checkFields(Set.of("validationFailureAction", "background", "webhookTimeoutSeconds", "rules"),
                Map.of("admission", true, "emitWarning", false, "skipBackgroundRequests", true));
        FailureAction validationFailureAction = spec.get("validationFailureAction").present()
                ? failureAction(spec.get("validationFailureAction"), true) : FailureAction.AUDIT;
        boolean background = spec.optionalBoolean("background").orElse(true);
        OptionalInt timeout = spec.optionalInt("webhookTimeoutSeconds");
        if (timeout.isPresent() && (timeout.getAsInt() < 1 || timeout.getAsInt() > 30)) {
            throw spec.get("webhookTimeoutSeconds")
                    .error("must be between 1 and 30 (Kubernetes' webhook timeout range)");
        }
        List<PolicyNode> ruleNodes = spec.list("rules");
        if (ruleNodes.isEmpty()) {
            throw spec.get("rules").error("at least one rule is required");
        }
        List<Rule> rules = new ArrayList<>();
        Set<String> ruleNames = new HashSet<>();
        for (PolicyNode ruleNode : ruleNodes) {
            Rule rule = rule(ruleNode, validationFailureAction);
            if (!ruleNames.add(rule.name())) {
                throw ruleNode.get("name").error("duplicate rule name \"" + rule.name() + "\"");
            }
            rules.add(rule);
        }
        return new ClusterPolicy(name, source, validationFailureAction, background, timeout, rules);
    }

    private static Rule rule(PolicyNode node, FailureAction validationFailureAction) throws PolicyLoadException {
        node.object().checkFields(Set.of("name", "match", "exclude", "imageExtractors", "verifyImages"));
        String name = node.requiredText("name");
        if (name.length() > MAX_RULE_NAME) {
            throw node.get("name").error("longer than " + MAX_RULE_NAME + " characters");
        }
        MatchBlock match = matchBlock(node.get("match"), true);
        Optional<MatchBlock> exclude = node.get("exclude").present()
                ? Optional.of(matchBlock(node.get("exclude"), false)) : Optional.empty();
        Map<String, List<ImageExtractor>> extractors = imageExtractors(node.get("imageExtractors"));
        List<PolicyNode> verifyNodes = node.list("verifyImages");
        if (verifyNodes.isEmpty()) {
            throw node.get("verifyImages").error("required: only verifyImages rules are supported");
        }
        List<ImageVerification> verifyImages = new ArrayList<>();
        for (PolicyNode verifyNode : verifyNodes) {
            verifyImages.add(imageVerification(verifyNode, validationFailureAction));
        }
        return new Rule(name, match, exclude, extractors, verifyImages);
    }

    private static MatchBlock matchBlock(PolicyNode node, boolean isMatch) throws PolicyLoadException {
        node.object().checkFields(Set.of("any", "all"));
        List<PolicyNode> any = node.list("any");
        List<PolicyNode> all = node.list("all");
        if (!any.isEmpty() && !all.isEmpty()) {
            throw node.error("any and all cannot be combined (Kyverno rejects it)");
        }
        if (any.isEmpty() && all.isEmpty()) {
            throw node.error("one of any or all is required, with at least one filter");
        }
        List<ResourceFilter> filters = new ArrayList<>();
        for (PolicyNode filter : any.isEmpty() ? all : any) {
            filter.object().checkFields(Set.of("resources"));
            filters.add(resourceFilter(filter.get("resources"), isMatch));
        }
        return new MatchBlock(any.isEmpty() ? MatchBlock.Mode.ALL : MatchBlock.Mode.ANY, filters);
    }

    private static ResourceFilter resourceFilter(PolicyNode node, boolean isMatch) throws PolicyLoadException {
        node.object().checkFields(Set.of("kinds", "names", "namespaces", "selector"));
        List<String> kinds = node.textList("kinds");
        if (isMatch && kinds.isEmpty()) {
            throw node.get("kinds").error("required in a match filter (Kyverno requires at least one kind)");
        }
        List<String> names = node.textList("names");
        List<String> namespaces = node.textList("namespaces");
        Optional<LabelSelector> selector = node.get("selector").present()
                ? Optional.of(labelSelector(node.get("selector"))) : Optional.empty();
        if (kinds.isEmpty() && names.isEmpty() && namespaces.isEmpty() && selector.isEmpty()) {
            throw node.error("empty filter: set kinds, names, namespaces or selector");
        }
        return new ResourceFilter(kinds, names, namespaces, selector);
    }

    private static LabelSelector labelSelector(PolicyNode node) throws PolicyLoadException {
        node.object().checkFields(Set.of("matchLabels", "matchExpressions"));
        Map<String, String> matchLabels = new LinkedHashMap<>();
        if (node.get("matchLabels").present()) {
            for (Map.Entry<String, PolicyNode> label : node.get("matchLabels").fields().entrySet()) {
                String value = label.getValue().string();
                checkLabel(label.getValue(), label.getKey(), List.of(value));
                matchLabels.put(label.getKey(), value);
            }
        }
        List<LabelSelector.Requirement> expressions = new ArrayList<>();
        for (PolicyNode expression : node.list("matchExpressions")) {
            expression.object().checkFields(Set.of("key", "operator", "values"));
            String key = expression.requiredText("key");
            String operatorName = expression.requiredText("operator");
            LabelSelector.Operator operator = null;
            for (LabelSelector.Operator candidate : LabelSelector.Operator.values()) {
                if (candidate.policyName().equals(operatorName)) {
                    operator = candidate;
                }
            }
            if (operator == null) {
                throw expression.get("operator").error("\"" + operatorName
                        + "\" is not one of In, NotIn, Exists, DoesNotExist");
            }
            List<String> values = expression.textList("values");
            boolean setOperator = operator == LabelSelector.Operator.IN || operator == LabelSelector.Operator.NOT_IN;
            if (setOperator && values.isEmpty()) {
                throw expression.get("values").error("required for operator " + operatorName);
            }
            if (!setOperator && !values.isEmpty()) {
                throw expression.get("values").error("must be empty for operator " + operatorName);
            }
            checkLabel(expression, key, values);
            expressions.add(new LabelSelector.Requirement(key, operator, values));
        }
        if (matchLabels.isEmpty() && expressions.isEmpty()) {
            throw node.error("no requirements: an empty selector selects everything (Kyverno rejects it)");
        }
        return new LabelSelector(matchLabels, expressions);
    }

    /** Kubernetes label syntax, except where Kyverno's wildcards stand in. */
    private static void checkLabel(PolicyNode node, String key, List<String> values) throws PolicyLoadException {
        if (!key.contains("*") && !key.contains("?")) {
            int slash = key.lastIndexOf('/');
            String prefix = slash < 0 ? "" : key.substring(0, slash);
            String name = key.substring(slash + 1);
            if ((slash >= 0 && (prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()))
                    || name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
                throw node.error("\"" + key + "\" is not a valid label key");
            }
        }
        for (String value : values) {
            if (!value.isEmpty() && !value.contains("*") && !value.contains("?")
                    && (value.length() > 63 || !LABEL_NAME.matcher(value).matches())) {
                throw node.error("\"" + value + "\" is not a valid label value");
            }
        }
    }

    private static Map<String, List<ImageExtractor>> imageExtractors(PolicyNode node) throws PolicyLoadException {
        Map<String, List<ImageExtractor>> byKind = new LinkedHashMap<>();
        if (!node.present()) {
            return byKind;
        }
        for (Map.Entry<String, PolicyNode> kind : node.fields().entrySet()) {
            List<ImageExtractor> extractors = new ArrayList<>();
            for (PolicyNode extractor : kind.getValue().elements()) {
                extractors.add(imageExtractor(extractor));
            }
            if (extractors.isEmpty()) {
                throw kind.getValue().error("at least one extractor is required");
            }
            byKind.put(kind.getKey(), extractors);
        }
        return byKind;
    }

    private static ImageExtractor imageExtractor(PolicyNode node) throws PolicyLoadException {
        node.object().checkFields(Set.of("path", "value", "key", "name"));
        try {
            return ImageExtractor.of(node.requiredText("path"), node.optionalText("value").orElse(null),
                    node.optionalText("key").orElse(null), node.optionalText("name").orElse(null));
        } catch (IllegalArgumentException e) {
            throw node.get("path").error(e.getMessage());
        }
    }

    private static ImageVerification imageVerification(PolicyNode node, FailureAction validationFailureAction)
            throws PolicyLoadException {
        node.object().checkFields(Set.of("type", "imageReferences", "skipImageReferences", "mutateDigest",
                "verifyDigest", "required", "failureAction", "attestors"), Map.of("useCache", true));
        SignatureType type = SignatureType.COSIGN;
        Optional<String> typeName = node.optionalText("type");
        if (typeName.isPresent()) {
            type = null;
            for (SignatureType candidate : SignatureType.values()) {
                if (candidate.policyName().equals(typeName.get())) {
                    type = candidate;
                }
            }
            if (type == null) {
                throw node.get("type").error(typeName.get() + " not supported: expected Cosign or SigstoreBundle");
            }
        }
        List<String> imageReferences = node.textList("imageReferences");
        if (imageReferences.isEmpty()) {
            throw node.get("imageReferences").error("at least one image reference is required");
        }
        List<String> skipImageReferences = node.textList("skipImageReferences");
        boolean mutateDigest = node.optionalBoolean("mutateDigest").orElse(true);
        boolean verifyDigest = node.optionalBoolean("verifyDigest").orElse(true);
        boolean required = node.optionalBoolean("required").orElse(true);
        FailureAction failureAction = node.get("failureAction").present()
                ? failureAction(node.get("failureAction"), false) : validationFailureAction;
        if (failureAction == FailureAction.AUDIT && mutateDigest) {
            throw node.get("mutateDigest").error("must be false when the failure action is Audit (it defaults to"
                    + " true; Kyverno rejects the policy)");
        }
        List<PolicyNode> setNodes = node.list("attestors");
        if (setNodes.isEmpty()) {
            throw node.get("attestors").error("at least one attestor set is required (verification without"
                    + " signatures is not supported)");
        }
        List<AttestorSet> attestors = new ArrayList<>();
        for (PolicyNode setNode : setNodes) {
            attestors.add(attestorSet(setNode));
        }
        return new ImageVerification(type, imageReferences, skipImageReferences, mutateDigest, verifyDigest,
                required, failureAction, attestors, node.path());
    }

    /** Audit or Enforce; the policy-wide field also takes Kyverno's deprecated lower-case spellings. */
    private static FailureAction failureAction(PolicyNode node, boolean lowerCaseAllowed) throws PolicyLoadException {
        String value = node.text();
        for (FailureAction action : FailureAction.values()) {
            if (action.policyName().equals(value)
                    || (lowerCaseAllowed && action.policyName().toLowerCase(Locale.ROOT).equals(value))) {
                return action;
            }
        }
        throw node.error("\"" + value + "\" is not Audit or Enforce");
    }

    private static AttestorSet attestorSet(PolicyNode node) throws PolicyLoadException {
        node.object().checkFields(Set.of("count", "entries"));
        List<PolicyNode> entryNodes = node.list("entries");
        if (entryNodes.isEmpty()) {
            throw node.get("entries").error("at least one entry is required");
        }
        OptionalInt count = node.optionalInt("count");
        // Kyverno checks count against the entries as written, before splitting several-key entries.
        if (count.isPresent() && (count.getAsInt() < 1 || count.getAsInt() > entryNodes.size())) {
            throw node.get("count").error("must be between 1 and the number of entries (" + entryNodes.size() + ")");
        }
        List<Attestor> entries = new ArrayList<>();
        for (PolicyNode entry : entryNodes) {
            entries.addAll(attestors(entry));
        }
        return new AttestorSet(count, entries, node.path());
    }

    private static List<Attestor> attestors(PolicyNode node) throws PolicyLoadException {
        node.object().checkFields(Set.of("keyless", "keys"), Map.of("signatureAlgorithm", "sha256"));
        boolean keyless = node.get("keyless").present();
        boolean keys = node.get("keys").present();
        if (keyless == keys) {
            throw node.error("exactly one of keyless or keys is required");
        }
        return keyless
                ? List.of(keyless(node.get("keyless"), node.path()))
                : keyAttestors(node.get("keys"), node.path());
    }

    private static KeylessAttestor keyless(PolicyNode node, String entryPath) throws PolicyLoadException {
        node.object().checkFields(
                Set.of("issuer", "issuerRegExp", "subject", "subjectRegExp", "rekor", "ctlog", "roots"));
        IdentityRequirement identity = new IdentityRequirement(
                node.optionalText("issuer"), regexp(node, "issuerRegExp"),
                node.optionalText("subject"), regexp(node, "subjectRegExp"));
        Optional<Rekor> rekor = rekor(node.get("rekor"), true);
        Optional<String> roots = node.optionalText("roots");
        if (roots.isPresent()) {
            pem(node.get("roots"), Pem.CERTIFICATE);
        }
        if (rekor.isEmpty() && roots.isEmpty()) {
            throw node.error("rekor or roots is required (Kyverno rejects a keyless entry with neither)");
        }
        return new KeylessAttestor(identity, rekor, ctlog(node.get("ctlog")), roots, entryPath);
    }

    /** A regular expression field, compiled now so that a bad one fails the load, not a verification. */
    private static Optional<GoRegex> regexp(PolicyNode node, String field) throws PolicyLoadException {
        try {
            return node.optionalText(field).map(GoRegex::compile);
        } catch (IllegalArgumentException e) {
            throw node.get(field).error(e.getMessage());
        }
    }

    private static List<Attestor> keyAttestors(PolicyNode node, String entryPath) throws PolicyLoadException {
        node.object().checkFields(Set.of("publicKeys", "rekor", "ctlog"), Map.of("signatureAlgorithm", "sha256"));
        List<String> keys = pem(node.get("publicKeys"), Pem.PUBLIC_KEY);
        Optional<Rekor> rekor = rekor(node.get("rekor"), false);
        Optional<CtLog> ctlog = ctlog(node.get("ctlog"));
        if (keys.size() == 1) {
            return List.of(new KeyAttestor(keys.get(0), rekor, ctlog, entryPath));
        }
        List<Attestor> attestors = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            attestors.add(new KeyAttestor(keys.get(i), rekor, ctlog, entryPath + ".keys.publicKeys[" + i + "]"));
        }
        return attestors;
    }

    private static Optional<Rekor> rekor(PolicyNode node, boolean urlRequired) throws PolicyLoadException {
        if (!node.present()) {
            return Optional.empty();
        }
        node.object().checkFields(Set.of("url", "pubkey", "ignoreTlog"));
        Optional<String> url = node.optionalText("url");
        if (url.isEmpty() && urlRequired) {
            throw node.get("url").error("required (Kyverno rejects a keyless rekor without url)");
        }
        if (url.isPresent()) {
            checkUrl(node.get("url"), url.get());
        }
        Optional<String> publicKey = node.optionalText("pubkey");
        if (publicKey.isPresent()) {
            pem(node.get("pubkey"), Pem.PUBLIC_KEY);
        }
        return Optional.of(new Rekor(url, publicKey, node.optionalBoolean("ignoreTlog").orElse(false)));
    }

    private static Optional<CtLog> ctlog(PolicyNode node) throws PolicyLoadException {
        if (!node.present()) {
            return Optional.empty();
        }
        node.object().checkFields(Set.of("ignoreSCT", "pubkey"));
        Optional<String> publicKey = node.optionalText("pubkey");
        if (publicKey.isPresent()) {
            pem(node.get("pubkey"), Pem.PUBLIC_KEY);
        }
        return Optional.of(new CtLog(node.optionalBoolean("ignoreSCT").orElse(false), publicKey));
    }

    private static void checkUrl(PolicyNode node, String url) throws PolicyLoadException {
        try {
            URI uri = new URI(url);
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                throw node.error("\"" + url + "\" is not an http(s) URL with a host");
            }
        } catch (URISyntaxException e) {
            throw node.error("\"" + url + "\" is not a URL: " + e.getReason());
        }
    }

    private static List<String> pem(PolicyNode node, String type) throws PolicyLoadException {
        try {
            return Pem.blocks(node.text(), type);
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }
}
