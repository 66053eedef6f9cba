/**
 * Install jobs: the stage's decision ({@link io.gkm.nodeconsumer.install.InstallHandler}: job
 * checks, InstallResult and audit entry), the registry and disk work
 * ({@link io.gkm.nodeconsumer.install.CacheInstaller}), GKM's cache.json
 * ({@link io.gkm.nodeconsumer.install.CacheMetadata}) and cache/GPU compatibility
 * ({@link io.gkm.nodeconsumer.install.Compatibility}).
 *
 * <p>Outcomes: INSTALLED (pulled by digest, unpacked, renamed into place, cache.json written);
 * ALREADY_PRESENT (the digest folder exists: it is only ever made by a rename, so it is complete);
 * SKIPPED_INCOMPATIBLE (no GPU group of the node has the backend, arch and warp size of a target
 * in the image's summary label); REMOVED (the digest folder deleted, links never followed; the
 * cache's folder, cache.json and an empty namespace folder too once no digest is left, as GKM
 * does; removing what is not there is REMOVED with 0 files); FAILED, with the reason: a REMOVE of
 * a digest GKM's CSI driver records as mounted by pods (GKM_USAGE_DIR, as GKM's agent refuses), another
 * node's job, an image not pinned by the job's digest, a target path other than the one
 * {@link io.gkm.core.cache.CacheLayout} computes, a registry error or one that cannot be reached
 * (not retried: it would stall the node's later jobs; a replay re-sends it), not an MCV image, an
 * image index, an unsafe layer, a disk that cannot be written. A record that is not an
 * InstallJob goes to the dead-letter topic.
 */
package io.gkm.nodeconsumer.install;
