import { addonStatus } from "./addon.js";

/**
 * The CPU's fused multiply-add over arrays (one vfmadd per element, csrc/hardware-fma.c): the oracle
 * for the pure-TypeScript fma32. Throws with the reason when the addon is not built or the CPU has no FMA.
 */
export function hardwareFma(a: Float32Array, b: Float32Array, c: Float32Array): Float32Array {
  const { addon, reason } = addonStatus();
  if (!addon) throw new Error(`hardwareFma: the native addon is unavailable: ${reason}`);
  const out = new Float32Array(a.length);
  addon.fmaf(a, b, c, out);
  return out;
}
