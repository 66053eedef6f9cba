package io.gkm.ingest.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A namespaced kernel cache: one OCI image that GKM extracts onto the GPU nodes. */
@Group(GkmApi.GROUP)
@Version(GkmApi.VERSION)
@Singular("gkmcache")
@Plural("gkmcaches")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.conditions[0].reason", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Nodes", jsonPath = ".status.counts.nodeCnt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Node-In-Use", jsonPath = ".status.counts.nodeInUseCnt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Node-Not-In-Use", jsonPath = ".status.counts.nodeNotInUseCnt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Node-Error", jsonPath = ".status.counts.nodeErrorCnt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Pod-Running", jsonPath = ".status.counts.podRunningCnt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Pod-Outdated", jsonPath = ".status.counts.podOutdatedCnt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Last=Updated", jsonPath = ".status.lastUpdated", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
public class GKMCache extends CustomResource<GKMCacheSpec, GKMCacheStatus> implements Namespaced {
}
