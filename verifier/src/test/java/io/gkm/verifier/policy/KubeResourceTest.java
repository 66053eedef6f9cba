package io.gkm.verifier.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeResourceTest {

    @Test
    void readsIdentityAndLabelsFromTheObject() {
        KubeResource resource = TestResources.resource("""
                apiVersion: gkm.io/v1alpha1
                kind: GKMCache
                metadata:
                  name: cache
                  namespace: team-a
                  labels: {gkm.io/signature-format: cosign-v2, empty: ""}
                  annotations:
                spec: {image: quay.io/x:v1}
                """);
        assertThat(resource.group()).isEqualTo("gkm.io");
        assertThat(resource.version()).isEqualTo("v1alpha1");
        assertThat(resource.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("gkm.io/signature-format", "cosign-v2", "empty", ""));
        assertThat(resource.namespace()).isEqualTo("team-a");
        assertThat(resource.object()).containsEntry("spec", Map.of("image", "quay.io/x:v1"));
    }

    @Test
    void coreGroupResourceHasAnEmptyGroup() {
        KubeResource resource = TestResources.resource("apiVersion: v1\nkind: Namespace\nmetadata: {name: gkm}\n");
        assertThat(resource.group()).isEmpty();
        assertThat(resource.version()).isEqualTo("v1");
        assertThat(resource.namespace()).isNull();
    }

    @Test
    void objectWithoutNameIsRefused() {
        assertThatThrownBy(() -> TestResources.resource("apiVersion: v1\nkind: Namespace\nmetadata: {labels: {a: b}}\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resource metadata.name is missing");
    }

    @Test
    void nonStringLabelIsRefused() {
        assertThatThrownBy(() -> TestResources.resource("apiVersion: v1\nkind: Namespace\nmetadata: {name: n, labels: {a: 1}}\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resource metadata.labels.a is not a string");
    }
}
