package io.gkm.testkit;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names a request to the Kubernetes API as the API server's RBAC authoriser does
 * ({@code group/resource[/subresource]:verb}), so that tests can compare the calls code really
 * makes (recorded by fabric8's mock server) with the permissions deploy grants it.
 */
public final class RbacVerbs {
    private static final Pattern API_PATH = Pattern.compile(
            "/apis/([^/]+)/[^/]+(?:/namespaces/[^/]+)?/([^/]+)(/[^/]+)?(/[^/]+)?");

    private RbacVerbs() {
    }

    /** The request's {@code group/resource[/subresource]:verb}; a path that names no resource is returned as it is. */
    public static String of(String method, String pathAndQuery) {
        URI uri = URI.create(pathAndQuery);
        String path = uri.getPath();
        String query = uri.getQuery() == null ? "" : uri.getQuery();
        Matcher m = API_PATH.matcher(path);
        if (!m.matches()) {
            return method + " " + path; // not a resource request: fails the comparison, naming itself
        }
        String resource = m.group(2) + (m.group(4) == null ? "" : m.group(4));
        boolean named = m.group(3) != null;
        String verb = switch (method) {
            case "GET" -> query.contains("watch=true") ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method;
        };
        return m.group(1) + "/" + resource + ":" + verb;
    }
}
