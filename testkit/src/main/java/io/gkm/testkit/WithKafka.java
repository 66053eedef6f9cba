package io.gkm.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test a real in-JVM KRaft Kafka cluster through a {@link KafkaCluster} parameter
 * (test method, lifecycle method or constructor).
 *
 * <pre>{@code
 * @WithKafka
 * class MyIT {
 *   @Test void oneBroker(KafkaCluster kafka) { ... }
 *   @Test @WithKafka(brokers = 3) void threeBrokers(KafkaCluster kafka) { ... }
 *   @Test void both(KafkaCluster one, @WithKafka(brokers = 3) KafkaCluster three) { ... }
 * }
 * }</pre>
 *
 * <p>The nearest annotation wins: parameter, then the declaring method, then the current test
 * method, then the test class and its enclosing classes. One cluster per broker count is started
 * per test JVM and shared by every test; it is closed when the test plan finishes. Use
 * {@link KafkaCluster#uniqueTopic(String)} for topic names.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(KafkaClusterExtension.class)
public @interface WithKafka {

    /** Number of brokers (combined broker+controller node 0, one controller). 1 by default. */
    int brokers() default 1;

    /**
     * A cluster that checks ACLs as Strimzi's {@code authorization: simple} does (Kafka's
     * StandardAuthorizer, nothing allowed without an ACL) and authenticates clients with
     * SASL/PLAIN: {@link KafkaCluster#clientProperties(String)} logs in as any user, who may do
     * nothing until an ACL allows it; the cluster's own clients and props are a super user's.
     * Shared per broker count like the clusters without it.
     */
    boolean authorizer() default false;
}
