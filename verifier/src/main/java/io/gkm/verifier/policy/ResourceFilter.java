package io.gkm.verifier.policy;

import io.gkm.verifier.identity.Wildcard;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One {@code match}/{@code exclude} filter's {@code resources}: every criterion that is set must
 * hold, and a list criterion holds when one of its entries does (Kyverno's
 * {@code pkg/engine/utils/match.go}). Names, namespaces and kinds are {@link Wildcard} globs.
 *
 * @param kinds {@code Kind}, {@code version/Kind} or {@code group/version/Kind}
 * @param names resource names
 * @param namespaces resource namespaces; a cluster-scoped resource has the empty namespace, which
 *                   only {@code *} matches
 * @param selector label selector, when set
 */
public record ResourceFilter(
        List<String> kinds,
        List<String> names,
        List<String> namespaces,
        Optional<LabelSelector> selector) {

    private static final Pattern VERSION = Pattern.compile("v\\d+((alpha|beta)\\d+)?|\\*");

    public ResourceFilter {
        kinds = List.copyOf(kinds);
        names = List.copyOf(names);
        namespaces = List.copyOf(namespaces);
        Objects.requireNonNull(selector, "selector");
    }

    /** Why {@code resource} fails this filter (its first failing criterion), or empty when it passes. */
    public Optional<String> mismatch(KubeResource resource) {
        if (!kinds.isEmpty() && kinds.stream().noneMatch(kind -> kindMatches(kind, resource))) {
            return Optional.of("kind " + resource.apiVersion() + "/" + resource.kind()
                    + " matches none of kinds " + kinds);
        }
        if (!names.isEmpty() && names.stream().noneMatch(name -> Wildcard.matches(name, resource.name()))) {
            return Optional.of("name " + resource.name() + " matches none of names " + names);
        }
        // Kyverno takes a Namespace's own name as its namespace.
        String namespace = resource.kind().equals("Namespace") ? resource.name()
                : resource.namespace() == null ? "" : resource.namespace();
        if (!namespaces.isEmpty() && namespaces.stream().noneMatch(ns -> Wildcard.matches(ns, namespace))) {
            return Optional.of((namespace.isEmpty() ? "cluster-scoped resource" : "namespace " + namespace)
                    + " matches none of namespaces " + namespaces);
        }
        return selector.flatMap(s -> s.mismatch(resource.labels())).map(reason -> "selector: " + reason);
    }

    /**
     * Kyverno's kind selector ({@code pkg/utils/kube/kind.go}): {@code Kind}, {@code version/Kind},
     * {@code group/version/Kind}, optionally with a subresource ({@code Kind/sub}, {@code Kind.sub},
     * {@code version/Kind/sub}, {@code group/version/Kind/sub}). Our resources are never
     * subresources, so a subresource part must match the empty string.
     */
    private static boolean kindMatches(String selector, KubeResource resource) {
        List<String> parts = new ArrayList<>(Arrays.asList(selector.split("/", -1)));
        parts.addAll(Arrays.asList(parts.remove(parts.size() - 1).split("\\.", -1)));
        String group = "*";
        String version = "*";
        String kind;
        String subresource = "";
        switch (parts.size()) {
            case 1 -> kind = parts.get(0);
            case 2 -> {
                boolean anyKind = parts.get(0).equals("*");
                if (anyKind && parts.get(1).equals("*")) {
                    kind = "*";
                    subresource = "*";
                } else if (anyKind && parts.get(1).toLowerCase(Locale.ROOT).equals(parts.get(1))) {
                    kind = "*";
                    subresource = parts.get(1);
                } else if (VERSION.matcher(parts.get(0)).matches()) {
                    version = parts.get(0);
                    kind = parts.get(1);
                } else {
                    kind = parts.get(0);
                    subresource = parts.get(1);
                }
            }
            case 3 -> {
                if (VERSION.matcher(parts.get(0)).matches()) {
                    version = parts.get(0);
                    kind = parts.get(1);
                    subresource = parts.get(2);
                } else {
                    group = parts.get(0);
                    version = parts.get(1);
                    kind = parts.get(2);
                }
            }
            case 4 -> {
                group = parts.get(0);
                version = parts.get(1);
                kind = parts.get(2);
                subresource = parts.get(3);
            }
            default -> {
                return false;
            }
        }
        return Wildcard.matches(group, resource.group())
                && Wildcard.matches(version, resource.version())
                && Wildcard.matches(kind, resource.kind())
                && Wildcard.matches(subresource, "");
    }
}
