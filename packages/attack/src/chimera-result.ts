import type { Kernel } from "@chimera/kernels";
import type { BackendVerdicts } from "./chimera-check.js";
import type { InputDomain } from "./input-domain.js";

/** The outcome of one search: the feasible input it ended on and every backend's verdict there. */
export interface ChimeraResult {
  /** True when the backends' labels all differ on `image` (Definition 3.1). */
  found: boolean;
  /** Backend ids, in the order of `labels` and `logits`. */
  backends: string[];
  /** The target label of each backend. */
  targets: number[];
  /** h_i(image) per backend. */
  labels: number[];
  /** f_i(image) per backend (binary32 values as numbers). */
  logits: number[][];
  /** The feasible input as stored (8-bit pixels for images); `domain.decode(image)` is what the backends saw. */
  image: Uint8Array;
  /** Joint iterations used (the Chimera tests' loop count; N when none was found). */
  iterations: number;
  /** Warm-up steps taken before the joint iterations. */
  warmupIterations: number;
  /** Bit-faithful Chimera tests run (one forward per backend each). */
  checks: number;
  /** Values that differ from the source (pixels changed, for images). */
  l0: number;
  /** Euclidean distance to the source, in the model's input units ([0, 1] per pixel). */
  l2: number;
  /** Largest per-value distance to the source, in the model's input units. */
  linf: number;
  /** Wall-clock seconds of the search. */
  seconds: number;
}

/** Assembles a ChimeraResult (distances are measured between the decoded image and the source). */
export function chimeraResult(r: {
  found: boolean; domain: InputDomain; source: Float32Array; xq: Float32Array; v: BackendVerdicts;
  backends: readonly Kernel[]; targets: readonly number[]; iterations: number; warmup: number; checks: number; t0: number;
}): ChimeraResult {
  const image = r.domain.encode(r.xq);
  const decoded = r.domain.decode(image);
  let l0 = 0, l2 = 0, linf = 0;
  for (let i = 0; i < decoded.length; i++) {
    const d = Math.abs(decoded[i]! - r.source[i]!);
    if (d !== 0) l0++;
    l2 += d * d;
    linf = Math.max(linf, d);
  }
  return {
    found: r.found,
    backends: r.backends.map((k) => k.info.id),
    targets: [...r.targets],
    labels: r.v.labels,
    logits: r.v.logits.map((z) => Array.from(z)),
    image,
    iterations: r.iterations,
    warmupIterations: r.warmup,
    checks: r.checks,
    l0,
    l2: Math.sqrt(l2),
    linf,
    seconds: (performance.now() - r.t0) / 1000,
  };
}
