package io.gkm.ingest.webhook;

import io.gkm.ingest.admission.CacheObject;
import io.gkm.schemas.ResourceKey;
import io.gkm.schemas.event.Operation;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * One well-formed AdmissionReview request for a GKM cache.
 *
 * @param uid request.uid, echoed in the response
 * @param operation request.operation
 * @param userName request.userInfo.username ("" when absent)
 * @param userGroups request.userInfo.groups
 * @param resourceKey the admitted resource's key
 * @param object request.object as sent; null for DELETE and CONNECT
 * @param cache what admission reads of {@code object}; null when there is no object
 * @param oldCache what admission reads of request.oldObject; null unless UPDATE
 * @param dryRun request.dryRun
 */
public record AdmissionCall(String uid, Operation operation, String userName, List<String> userGroups,
                            ResourceKey resourceKey, JsonNode object, CacheObject cache, CacheObject oldCache,
                            boolean dryRun) {
    public AdmissionCall {
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(userName, "userName");
        userGroups = List.copyOf(userGroups);
        Objects.requireNonNull(resourceKey, "resourceKey");
    }
}
