import { getKernel, releaseKernel } from "../backends.js";
import type { Command } from "../cli/command.js";
import { getBoolean, getNumber, getString, maybeString, UsageError } from "../cli/args.js";
import { backendFlag } from "../cli/common-flags.js";
import { readNpyF32, writeNpyF32 } from "../npy-f32.js";

/** The 2-D shape of a .npy operand, or an error naming the flag. */
function matrix(flag: string, path: string): { rows: number; cols: number; data: Float32Array } {
  let read: ReturnType<typeof readNpyF32>;
  try {
    read = readNpyF32(path, "a 2-D float32 .npy array");
  } catch (e) {
    throw new Error(`--${flag}: ${(e as Error).message}`);
  }
  const { shape, data } = read;
  if (shape.length !== 2) throw new Error(`--${flag} ${path}: expected a 2-D array, got shape (${shape.join(", ")})`);
  return { rows: shape[0]!, cols: shape[1]!, data };
}

/** `chimera gemm`: one product on one backend, .npy in and out. */
export const command: Command = {
  name: "gemm",
  summary: "Compute C = alpha*op(A)*op(B) + beta*C on one backend, reading and writing .npy files.",
  help: [
    "Usage: chimera gemm --backend ID --a A.npy --b B.npy [--trans-a] [--trans-b]",
    "                    [--c C.npy --beta BETA] [--alpha ALPHA] --out OUT.npy",
    "",
    "  --backend ID   a backend id from `chimera backends`",
    "  --a, --b       float32 2-D .npy operands (C order); op(A) is MxK, op(B) is KxN",
    "  --trans-a      use the transpose of A (A stored KxM); --trans-b likewise (B stored NxK)",
    "  --c, --beta    add beta*C (C is MxN float32); without --c, beta is 0",
    "  --alpha        scale of the product (default 1; must be exact in float32)",
    "  --out          where to write C (MxN float32 .npy)",
    "",
    "Example: chimera gemm --backend openblas-0.3.21-haswell-serial --a x.npy --b w.npy --out y.npy",
  ].join("\n"),
  flags: {
    backend: backendFlag(), a: { type: "path" }, b: { type: "path" }, c: { type: "path" }, out: { type: "path" },
    "trans-a": { type: "boolean" }, "trans-b": { type: "boolean" },
    alpha: { type: "number", min: -3.4e38, max: 3.4e38, float32: true, default: 1 },
    beta: { type: "number", min: -3.4e38, max: 3.4e38, float32: true, default: 1 },
  },
  requires: { beta: "c" },
  async run(args, io) {
    const id = getString(args, "backend");
    const transA = getBoolean(args, "trans-a"), transB = getBoolean(args, "trans-b");
    const alpha = getNumber(args, "alpha");
    const aPath = getString(args, "a"), bPath = getString(args, "b"), out = getString(args, "out");
    const A = matrix("a", aPath), B = matrix("b", bPath);
    const m = transA ? A.cols : A.rows, k = transA ? A.rows : A.cols;
    const kb = transB ? B.cols : B.rows, n = transB ? B.rows : B.cols;
    if (k !== kb) throw new UsageError(`--a ${aPath} and --b ${bPath}: op(A) is ${m}x${k} but op(B) is ${kb}x${n}: inner dimensions differ`);
    let beta = 0, c: Float32Array = new Float32Array(m * n);
    const cPath = maybeString(args, "c");
    if (cPath !== undefined) {
      const C = matrix("c", cPath);
      if (C.rows !== m || C.cols !== n) throw new UsageError(`--c ${cPath}: expected ${m}x${n}, got ${C.rows}x${C.cols}`);
      c = C.data;
      beta = getNumber(args, "beta");
    }
    const kernel = getKernel(id);
    try {
      kernel.gemm({ transA, transB, m, n, k, alpha, a: A.data, lda: A.cols, b: B.data, ldb: B.cols, beta, c, ldc: n });
    } finally {
      releaseKernel(kernel);
    }
    writeNpyF32(out, [m, n], c);
    io.err(`${id}: wrote ${m}x${n} to ${out}\n`);
    return 0;
  },
};
