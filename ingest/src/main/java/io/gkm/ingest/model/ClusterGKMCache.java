package io.gkm.ingest.model;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A cluster-scoped kernel cache, usable from every namespace. Kyverno never verifies it. */
@Group(GkmApi.GROUP)
@Version(GkmApi.VERSION)
@Singular("clustergkmcache")
@Plural("clustergkmcaches")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.conditions[0].reason", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Nodes", jsonPath = ".status.counts.nodeCnt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Node-In-Use", jsonPath = ".status.counts.nodeInUseCnt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Node-Not-In-Use", jsonPath = ".status.counts.nodeNotInUseCnt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Node-Error", jsonPath = ".status.counts.nodeErrorCnt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Pod-Running", jsonPath = ".status.counts.podRunningCnt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Pod-Outdated", jsonPath = ".status.counts.podOutdatedCnt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Last=Updated", jsonPath = ".status.lastUpdated", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
public class ClusterGKMCache extends CustomResource<GKMCacheSpec, GKMCacheStatus> {
}
