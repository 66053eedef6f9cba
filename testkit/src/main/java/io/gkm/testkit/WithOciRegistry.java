package io.gkm.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test a real local OCI registry (Debian's {@code /usr/bin/docker-registry}, CNCF
 * distribution) through an {@link OciRegistry} parameter. One registry is started per test JVM,
 * on 127.0.0.1 with plain HTTP, no auth, filesystem storage in a temp dir; it is stopped and its
 * temp dir deleted when the test plan finishes. Use {@link OciRegistry#uniqueRepository(String)}
 * for repository names.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(OciRegistryExtension.class)
public @interface WithOciRegistry {}
