/**
 * Safe extraction of cache image layers: every rule in one place,
 * {@link io.gkm.nodeconsumer.extract.TarSafety}, bounded by
 * {@link io.gkm.nodeconsumer.extract.ExtractLimits}; a broken rule is an
 * {@link io.gkm.nodeconsumer.extract.UnsafeLayerException} and the job FAILED.
 */
package io.gkm.nodeconsumer.extract;
