package io.gkm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RbacVerbsTest {
    @Test
    void requestsTranslateIntoRbacVerbsAsTheApiServerAuthorisesThem() {
        assertThat(RbacVerbs.of("GET", "/apis/gkm.io/v1alpha1/gkmcaches?resourceVersion=0")).isEqualTo("gkm.io/gkmcaches:list");
        assertThat(RbacVerbs.of("GET", "/apis/gkm.io/v1alpha1/namespaces/a/gkmcaches?allowWatchBookmarks=true&watch=true"))
                .isEqualTo("gkm.io/gkmcaches:watch");
        assertThat(RbacVerbs.of("GET", "/apis/gkm.io/v1alpha1/namespaces/a/gkmcaches/x")).isEqualTo("gkm.io/gkmcaches:get");
        assertThat(RbacVerbs.of("PATCH", "/apis/gkm.io/v1alpha1/clustergkmcaches/x/status"))
                .isEqualTo("gkm.io/clustergkmcaches/status:patch");
        assertThat(RbacVerbs.of("PUT", "/apis/gkm.io/v1alpha1/namespaces/a/gkmcachenodes/n/status"))
                .isEqualTo("gkm.io/gkmcachenodes/status:update");
        assertThat(RbacVerbs.of("POST", "/apis/gkm.io/v1alpha1/clustergkmcachenodes")).isEqualTo("gkm.io/clustergkmcachenodes:create");
        assertThat(RbacVerbs.of("GET", "/version")).isEqualTo("GET /version");
        assertThat(RbacVerbs.of("DELETE", "/apis/gkm.io/v1alpha1/clustergkmcaches")).isEqualTo("gkm.io/clustergkmcaches:deletecollection");
    }
}
