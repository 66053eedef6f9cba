package io.gkm.ingest.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** Per-node state of all ClusterGKMCaches; written by GKM only. */
@Group(GkmApi.GROUP)
@Version(GkmApi.VERSION)
@Singular("clustergkmcachenode")
@Plural("clustergkmcachenodes")
@AdditionalPrinterColumn(name = "Node", jsonPath = ".status.nodeName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Node-In-Use", jsonPath = ".status.counts.nodeInUseCnt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Node-Not-In-Use", jsonPath = ".status.counts.nodeNotInUseCnt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Node-Error", jsonPath = ".status.counts.nodeErrorCnt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Pod-Running", jsonPath = ".status.counts.podRunningCnt", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Pod-Outdated", jsonPath = ".status.counts.podOutdatedCnt", type = AdditionalPrinterColumn.Type.STRING)
// GKM's node resources have no spec; without this the generated schema would have an empty one.
@JsonIgnoreProperties("spec")
public class ClusterGKMCacheNode extends CustomResource<Void, GKMCacheNodeStatus> {
}
