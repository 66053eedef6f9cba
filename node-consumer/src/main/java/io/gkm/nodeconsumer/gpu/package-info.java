/**
 * ROCm GPU discovery from sysfs, pure parsing over a folder laid out as sysfs
 * ({@link io.gkm.nodeconsumer.gpu.SysfsGpuDiscovery}): amdkfd's topology nodes for each GPU's gfx
 * target, wavefront size and ids, the amdgpu module for the driver version.
 */
package io.gkm.nodeconsumer.gpu;
