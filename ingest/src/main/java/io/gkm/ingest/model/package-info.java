/**
 * GKM's custom resources ({@code gkm.io/v1alpha1}) as fabric8 classes. The CRDs are generated from
 * these classes at build time ({@code target/classes/META-INF/fabric8/*.gkm.io-v1.yml}) and are
 * checked against GKM's own CRDs by {@code GeneratedCrdTest}.
 */
package io.gkm.ingest.model;
