package io.gkm.testkit;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension behind {@link WithKafka}: resolves {@link KafkaCluster} parameters. Clusters
 * are started lazily on first use, one per broker count per test JVM, kept in the root
 * {@link ExtensionContext.Store} and closed when the test plan finishes.
 */
public final class KafkaClusterExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaClusterExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KafkaCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Optional<WithKafka> annotation = nearestAnnotation(parameterContext, extensionContext);
        int brokers = annotation.map(WithKafka::brokers).orElse(1);
        if (brokers < 1) {
            throw new ParameterResolutionException("@WithKafka(brokers = " + brokers + "): need at least 1 broker");
        }
        return cluster(extensionContext, brokers, annotation.map(WithKafka::authorizer).orElse(false));
    }

    /** The shared cluster with {@code brokers} brokers and no ACLs, started on first use. */
    public static KafkaCluster cluster(ExtensionContext context, int brokers) {
        return cluster(context, brokers, false);
    }

    /** The shared cluster with {@code brokers} brokers, with or without ACLs, started on first use. */
    public static KafkaCluster cluster(ExtensionContext context, int brokers, boolean authorizer) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        ClusterResource resource = store.getOrComputeIfAbsent("kafka-" + brokers + "-brokers" + (authorizer ? "-acls" : ""),
                key -> ClusterResource.start(brokers, authorizer), ClusterResource.class);
        return resource.cluster;
    }

    /** Parameter, then the declaring method, then the test method, classes and enclosing classes. */
    static Optional<WithKafka> nearestAnnotation(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Optional<WithKafka> onParameter = parameterContext.findAnnotation(WithKafka.class);
        if (onParameter.isPresent()) {
            return onParameter;
        }
        Optional<WithKafka> onExecutable =
                AnnotationSupport.findAnnotation(parameterContext.getDeclaringExecutable(), WithKafka.class);
        if (onExecutable.isPresent()) {
            return onExecutable;
        }
        for (ExtensionContext c = extensionContext; c != null; c = c.getParent().orElse(null)) {
            Optional<AnnotatedElement> element = c.getElement();
            if (element.isPresent()) {
                Optional<WithKafka> found = AnnotationSupport.findAnnotation(element.get(), WithKafka.class);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** Root-store value: closes the cluster at the end of the test plan. */
    static final class ClusterResource implements AutoCloseable {
        final KafkaCluster cluster;

        private ClusterResource(KafkaCluster cluster) {
            this.cluster = cluster;
        }

        static ClusterResource start(int brokers, boolean authorizer) {
            try {
                return new ClusterResource(KafkaCluster.start(brokers, authorizer));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted starting a " + brokers + "-broker Kafka cluster", e);
            } catch (Exception e) {
                throw new IllegalStateException("could not start a " + brokers + "-broker KRaft Kafka cluster: " + e, e);
            }
        }

        @Override
        public void close() throws Exception {
            cluster.shutdown();
        }
    }
}
