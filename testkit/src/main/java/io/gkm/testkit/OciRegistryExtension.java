package io.gkm.testkit;

import io.gkm.localregistry.LocalRegistry;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension behind {@link WithOciRegistry}: resolves {@link OciRegistry} parameters. One
 * registry per test JVM, started on first use, kept in the root {@link ExtensionContext.Store},
 * stopped (process destroyed, temp dir deleted) when the test plan finishes. A missing
 * {@code /usr/bin/docker-registry} fails the test with the install command.
 */
public final class OciRegistryExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(OciRegistryExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == OciRegistry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return registry(extensionContext);
    }

    /** The shared registry, started on first use. */
    public static OciRegistry registry(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("oci-registry", key -> new RegistryResource(LocalRegistry.start()),
                        RegistryResource.class)
                .handle;
    }

    /** Root-store value: stops the registry at the end of the test plan. */
    static final class RegistryResource implements AutoCloseable {
        final LocalRegistry server;
        final OciRegistry handle;

        RegistryResource(LocalRegistry server) {
            this.server = server;
            this.handle = new OciRegistry(server.hostPort(), server.storageDir(), OciRegistry.DEFAULT_SKOPEO);
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
