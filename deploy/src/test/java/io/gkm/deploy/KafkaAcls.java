package io.gkm.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ACLs of a Strimzi KafkaUser ({@code spec.authorization.acls}, simple authorization) and what
 * they allow, the way Kafka's StandardAuthorizer matches them: a literal resource name matches
 * itself, a prefixed one every name that starts with it, {@code *} every name.
 */
record KafkaAcls(String user, List<Acl> acls) {
    /** One ACL entry: resource type, name and pattern, and the operations it allows. */
    record Acl(String type, String name, String patternType, Set<String> operations) {
        boolean matches(String type, String name) {
            return this.type.equals(type) && switch (patternType) {
                case "literal" -> this.name.equals(name) || this.name.equals("*");
                case "prefix" -> name.startsWith(this.name);
                default -> throw new AssertionError("unknown patternType " + patternType + " in an ACL");
            };
        }
    }

    static KafkaAcls of(GenericKubernetesResource kafkaUser) {
        List<?> entries = Manifests.field(kafkaUser, "spec", "authorization", "acls");
        List<Acl> acls = entries.stream().map(Map.class::cast).map(e -> {
            Map<?, ?> resource = (Map<?, ?>) e.get("resource");
            Object pattern = resource.get("patternType");
            Set<String> operations = new TreeSet<>();
            ((List<?>) e.get("operations")).forEach(o -> operations.add(String.valueOf(o)));
            return new Acl(String.valueOf(resource.get("type")), String.valueOf(resource.get("name")),
                    pattern == null ? "literal" : String.valueOf(pattern), operations);
        }).toList();
        return new KafkaAcls(kafkaUser.getMetadata().getName(), acls);
    }

    /** The operations allowed on one resource (Strimzi's {@code All} stays {@code All}). */
    Set<String> allowed(String type, String name) {
        Set<String> allowed = new TreeSet<>();
        acls.stream().filter(a -> a.matches(type, name)).forEach(a -> allowed.addAll(a.operations()));
        return allowed;
    }
}
