import type { Kernel } from "@chimera/kernels";
import { getKernel, releaseKernel } from "../backends.js";
import type { Command } from "../cli/command.js";
import { getBoolean, getList, getNumber, getString } from "../cli/args.js";
import { backendsFlag, MAX_SEED } from "../cli/common-flags.js";
import { parseShape } from "../shape-flag.js";
import { sameBits, ulpDistance } from "./float-distance.js";

/** How two backends' outputs differ over every trial of one shape. */
export interface PairComparison {
  a: string;
  b: string;
  /** Fraction of output elements with identical bits. */
  identicalElements: number;
  /** Fraction of trials whose whole output C was bit-identical. */
  identicalOutputs: number;
  maxUlp: number;
  maxAbsDiff: number;
}

/** Seeded operands in [-1, 1) (LCG), so a comparison can be repeated exactly. */
function operands(count: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const x = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
  return x;
}

/** The stored layout of the operands: transA stores A as k×m, transB stores B as n×k (nn.Linear's). */
export interface CompareLayout {
  transA?: boolean;
  transB?: boolean;
}

/** Runs `trials` products of shape m×n×k on each kernel and compares every pair. */
export function compareKernels(
  kernels: readonly Kernel[], m: number, n: number, k: number, seed: number, trials: number, layout: CompareLayout = {},
): PairComparison[] {
  const transA = layout.transA ?? false, transB = layout.transB ?? false;
  const pairs: PairComparison[] = [];
  const stats = kernels.map(() => kernels.map(() => ({ same: 0, sameOut: 0, ulp: 0, abs: 0 })));
  for (let t = 0; t < trials; t++) {
    const a = operands(m * k, seed * 7919 + 2 * t), b = operands(k * n, seed * 7919 + 2 * t + 1);
    const outs = kernels.map((kernel) => {
      const c = new Float32Array(m * n);
      kernel.gemm({ transA, transB, m, n, k, alpha: 1, a, lda: transA ? m : k, b, ldb: transB ? k : n, beta: 0, c, ldc: n });
      return c;
    });
    for (let i = 0; i < kernels.length; i++) {
      for (let j = i + 1; j < kernels.length; j++) {
        const s = stats[i]![j]!, x = outs[i]!, y = outs[j]!;
        let same = 0;
        for (let e = 0; e < x.length; e++) {
          if (sameBits(x[e]!, y[e]!)) same++;
          s.ulp = Math.max(s.ulp, ulpDistance(x[e]!, y[e]!));
          s.abs = Math.max(s.abs, Math.abs(x[e]! - y[e]!));
        }
        s.same += same;
        if (same === x.length) s.sameOut++;
      }
    }
  }
  for (let i = 0; i < kernels.length; i++) {
    for (let j = i + 1; j < kernels.length; j++) {
      const s = stats[i]![j]!;
      pairs.push({
        a: kernels[i]!.info.id, b: kernels[j]!.info.id, identicalElements: s.same / (trials * m * n),
        identicalOutputs: s.sameOut / trials, maxUlp: s.ulp, maxAbsDiff: s.abs,
      });
    }
  }
  return pairs;
}

/** `chimera compare`: how often backends agree bit for bit on random products of one shape. */
export const command: Command = {
  name: "compare",
  flags: {
    backends: backendsFlag(2, undefined, true), shape: { type: "string" }, "trans-a": { type: "boolean" }, "trans-b": { type: "boolean" },
    seed: { type: "int", min: 0, max: MAX_SEED, default: 1 }, trials: { type: "int", min: 1, max: 100000, default: 10 },
  },
  summary: "Compare backends pairwise on random products: bit-identical fraction, max ULP, max |diff|.",
  help: [
    "Usage: chimera compare --backends A,B[,...] --shape MxNxK [--trans-a] [--trans-b] [--seed S] [--trials T] [--json]",
    "",
    "  --backends  two or more backend ids (see `chimera backends`), comma-separated",
    "  --shape     MxNxK: C (MxN) = op(A) (MxK) * op(B) (KxN), row-major, alpha 1, beta 0",
    "  --trans-a   A stored KxM;  --trans-b  B stored NxK (the layout nn.Linear's forward uses)",
    "  --seed      operand seed (default 1); --trials  products per backend (default 10)",
    "  --json      print {shape, seed, trials, pairs: [{a, b, identicalElements, identicalOutputs, maxUlp, maxAbsDiff}]}",
    "",
    "Example: chimera compare --backends netlib-3.11.0-generic,openblas-0.3.21-haswell-serial --shape 1x128x784",
  ].join("\n"),
  async run(args, io) {
    const ids = getList(args, "backends");
    const { m, n, k } = parseShape(getString(args, "shape"));
    const seed = getNumber(args, "seed"), trials = getNumber(args, "trials");
    const kernels: Kernel[] = [];
    try {
      for (const id of ids) kernels.push(getKernel(id));
      if (!args.json) io.err(`comparing ${ids.length} backends on ${trials} products of ${m}x${n}x${k} (seed ${seed})\n`);
      const layout = { transA: getBoolean(args, "trans-a"), transB: getBoolean(args, "trans-b") };
      const pairs = compareKernels(kernels, m, n, k, seed, trials, layout);
      if (args.json) {
        io.out(JSON.stringify({ shape: { m, n, k, ...layout }, seed, trials, pairs }, null, 2) + "\n");
        return 0;
      }
      const wa = Math.max(1, ...pairs.map((p) => p.a.length)), wb = Math.max(1, ...pairs.map((p) => p.b.length));
      io.out(`${"A".padEnd(wa)}  ${"B".padEnd(wb)}  same elems  same outputs  max ULP  max |diff|\n`);
      for (const p of pairs) {
        io.out(`${p.a.padEnd(wa)}  ${p.b.padEnd(wb)}  ${(100 * p.identicalElements).toFixed(1).padStart(9)}%  ${(100 * p.identicalOutputs).toFixed(1).padStart(11)}%  ${String(p.maxUlp).padStart(7)}  ${p.maxAbsDiff.toExponential(2)}\n`);
      }
      return 0;
    } finally {
      for (const kernel of kernels) releaseKernel(kernel);
    }
  },
};
