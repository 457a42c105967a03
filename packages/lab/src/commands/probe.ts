import { writeFileSync } from "node:fs";
import { decodeTree, formatTree, probe, treeSvg, type ProbeOp } from "@chimera/kernels";
import type { Command } from "../cli/command.js";
import { getBoolean, getString, maybeString } from "../cli/args.js";
import { backendFlag } from "../cli/common-flags.js";
import { getKernel } from "../backends.js";
import { parseShape } from "../shape-flag.js";

export const command: Command = {
  name: "probe",
  summary: "reveal how a backend orders its sums (trees, fused steps, accumulator precision)",
  help: `Usage: chimera probe --backend ID [--op gemm|gemv|dot] --shape MxNxK [--trans-a] [--trans-b]
                     [--beta 0|1] [--out PROFILE.json] [--svg TREE.svg] [--json]

Feeds the backend masked inputs (FPRev: all ones, +M at leaf i, -M at leaf j) and rebuilds the
summation tree of every output element of that one call, which elements share a tree, which products
are fused into their addition (FMA), and the accumulator's precision. Works on any backend: native,
emulated, or a profile. The profile it writes replays the call bit for bit as a backend:
\`--backend profile:PROFILE.json\` (for exactly the probed op, shape, transposes and beta).

  --backend ID     the backend to probe; see \`chimera backends\`
  --op OP          gemm (default), gemv (m outputs of k terms: --shape Mx1xK) or dot (--shape 1x1xK)
  --shape MxNxK    op(A) is MxK, op(B) is KxN (row-major, as cblas_sgemm with CblasRowMajor)
  --trans-a        A stored KxM;  --trans-b: B stored NxK (the nn.Linear layout)
  --beta B         0 (default) or 1: with 1, C's prior value is one more leaf (index K)
  --out FILE       write the profile (JSON)
  --svg FILE       write a picture of the first tree
  --json           print the profile instead of a summary

Example: chimera probe --backend openblas-0.3.21-haswell --shape 1x128x784 --trans-b --beta 1 --svg tree.svg`,
  flags: {
    backend: backendFlag(), op: { type: "enum", values: ["gemm", "gemv", "dot"], default: "gemm" }, shape: { type: "string" },
    "trans-a": { type: "boolean" }, "trans-b": { type: "boolean" }, beta: { type: "enum", values: ["0", "1"], default: "0" },
    out: { type: "path" }, svg: { type: "path" },
  },
  async run(args, io) {
    const op = getString(args, "op");
    const { m, n, k } = parseShape(getString(args, "shape"));
    const shape = {
      m, n, k, transA: getBoolean(args, "trans-a"), transB: getBoolean(args, "trans-b"),
      beta: Number(getString(args, "beta")) as 0 | 1,
    };
    const kernel = getKernel(getString(args, "backend"));
    const profile = probe(kernel, op as ProbeOp, shape, { onProgress: (msg) => io.err(`probe ${kernel.info.id}: ${msg}\n`) });
    const out = maybeString(args, "out"), svg = maybeString(args, "svg");
    if (out) writeFileSync(out, JSON.stringify(profile) + "\n");
    if (svg) {
      const title = `${kernel.info.id}: ${op} ${m}x${n}x${k}${shape.transA ? " transA" : ""}${shape.transB ? " transB" : ""} beta ${shape.beta}`;
      writeFileSync(svg, treeSvg(decodeTree(profile.groups[0]!.tree), { title, cLeaf: shape.beta === 1 ? k : -1 }));
    }
    if (args.json) {
      io.out(JSON.stringify(profile) + "\n");
      return 0;
    }
    io.out(`${kernel.info.id} ${op} ${m}x${n}x${k}: ${profile.groups.length} distinct order(s), ${profile.calls} calls, ${profile.seconds.toFixed(2)} s\n`);
    profile.groups.forEach((g, i) => {
      const text = formatTree(decodeTree(g.tree));
      const bits = g.accumulatorBits === null ? "exact or untestable" : `${g.accumulatorBits}-bit significand`;
      io.out(`  order ${i + 1}: ${g.elements.length} element(s), accumulator ${bits}\n    ${text.length > 400 ? text.slice(0, 400) + " …" : text}\n`);
    });
    if (out) io.out(`profile written to ${out} (use it as --backend profile:${out})\n`);
    if (svg) io.out(`tree picture written to ${svg}\n`);
    return 0;
  },
};
