import { FIDELITY_K_EDGES, type FidelityCase, type ShapeClass } from "@chimera/kernels";

/** Fewer k than `chimera derive` probes, enough to pin lanes, tails, scalar fallbacks and k-splits
 * (1000 and 1500 together tell a halving rule's block size: 500 and 512 agree at 1000 alone). */
export const TEST_K = [1, 2, 3, 5, 7, 8, 9, 17, 33, 63, 64, 65, 100, 257, 784, 1000, 1500];

/** nn.Linear on one sample: the attack's call. */
export const NT1: ShapeClass = { transA: false, transB: true, batch: "one" };

/** Calls the probe never made: batch 1, 37 columns, every k edge of the fidelity suite up to 4096. */
export function unprobedBatch1(): FidelityCase[] {
  return FIDELITY_K_EDGES.map((k, i) => ({ name: `batch 1 k=${k}`, transA: false, transB: true, m: 1, n: 37, k, alpha: 1, beta: 1, pad: 0, seed: 900 + i }));
}
