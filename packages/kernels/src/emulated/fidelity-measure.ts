import type { Kernel } from "../kernel.js";
import { fidelityRegions, regionCall, type FidelityRegion, type RegionCase } from "./fidelity-regions.js";

/** One region's result for one emulation. */
export interface RegionResult {
  readonly region: FidelityRegion;
  readonly calls: number;
  /** Output elements compared (C of gemm, y of gemv, the one value of dot). */
  readonly elements: number;
  /** Fraction of them with identical bits (1 when the region drew no calls). */
  readonly bitIdentical: number;
  /** Every call with at least one differing element, its shape and identical fraction. */
  readonly misses: ReadonlyArray<{ readonly shape: string; readonly bitIdentical: number }>;
}

/** `gemm NT 1x128x784 alpha 0.5 beta 1 pad 3 offset 2 (relu-sparse)`: a case as the report names it. */
export function regionShape(c: RegionCase): string {
  const v = c.values === "uniform" ? "" : ` (${c.values})`;
  if (c.op === "dot") return `${c.name}: dot n=${c.n} incx ${c.incx} incy ${c.incy}${v}`;
  const ab = `${c.alpha !== 1 ? ` alpha ${c.alpha}` : ""}${c.beta !== 0 ? ` beta ${c.beta}` : ""}${c.pad ? ` pad ${c.pad}` : ""}`;
  if (c.op === "gemv") return `${c.name}: gemv ${c.transA ? "T" : "N"} ${c.m}x${c.n}${ab} incx ${c.incx} incy ${c.incy}${v}`;
  return `${c.name}: ${c.transA ? "T" : "N"}${c.transB ? "T" : "N"} ${c.m}x${c.n}x${c.k}${ab}${c.offset ? ` offset ${c.offset}` : ""}${v}`;
}

/**
 * Runs each case on the emulation and on the real kernel with the same inputs and counts bit-identical
 * outputs per region (NaNs compare by bits via Object.is). Pin the real kernel's threads before measuring.
 */
export function measureRegions(emulated: Kernel, real: Kernel, suite: readonly RegionCase[]): RegionResult[] {
  const acc = new Map<FidelityRegion, { calls: number; same: number; total: number; misses: { shape: string; bitIdentical: number }[] }>();
  for (const region of fidelityRegions) acc.set(region, { calls: 0, same: 0, total: 0, misses: [] });
  for (const c of suite) {
    const x = regionCall(c), y = regionCall(c);
    let same = 0, total = 0;
    if (x.op === "gemm" && y.op === "gemm") {
      emulated.gemm(x.call);
      real.gemm(y.call);
      const o = x.call.cOffset ?? 0;
      for (let i = 0; i < x.call.m; i++) for (let j = 0; j < x.call.n; j++) {
        total++;
        if (Object.is(x.call.c[o + i * x.call.ldc + j], y.call.c[o + i * y.call.ldc + j])) same++;
      }
    } else if (x.op === "gemv" && y.op === "gemv") {
      emulated.gemv(x.call);
      real.gemv(y.call);
      const len = x.call.transA ? x.call.n : x.call.m;
      for (let i = 0; i < len; i++) {
        total++;
        if (Object.is(x.call.y[i * x.call.incy], y.call.y[i * y.call.incy])) same++;
      }
    } else if (x.op === "dot" && y.op === "dot") {
      total = 1;
      same = Object.is(emulated.dot(x.call), real.dot(y.call)) ? 1 : 0;
    }
    const a = acc.get(c.region)!;
    a.calls++;
    a.same += same;
    a.total += total;
    if (same !== total) a.misses.push({ shape: regionShape(c), bitIdentical: same / total });
  }
  return fidelityRegions.map((region) => {
    const a = acc.get(region)!;
    return { region, calls: a.calls, elements: a.total, bitIdentical: a.total === 0 ? 1 : a.same / a.total, misses: a.misses };
  });
}
