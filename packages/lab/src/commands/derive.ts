import { writeFileSync } from "node:fs";
import { className, DERIVE_K, deriveOrder, deriveShapes, describeRule, probe, type ProbeProfile, type ShapeClass } from "@chimera/kernels";
import type { Command } from "../cli/command.js";
import { getNumber, getString, maybeString, UsageError } from "../cli/args.js";
import { backendFlag } from "../cli/common-flags.js";
import { getKernel, releaseKernel } from "../backends.js";
import { Progress } from "../cli/progress.js";

/** Parses `NT/1,NN/many`: layout letters of the row-major call, then batch 1 or many. */
export function parseClasses(text: string): ShapeClass[] {
  return text.split(",").map((part) => {
    const m = /^([NT])([NT])\/(1|many)$/i.exec(part.trim());
    if (!m) throw new UsageError(`--classes takes LAYOUT/BATCH items such as NT/1 or NN/many (layout letters N or T for A and B; batch 1 or many), got "${part}"`);
    return { transA: m[1]!.toUpperCase() === "T", transB: m[2]!.toUpperCase() === "T", batch: m[3] === "1" ? "one" : "many" };
  });
}

export const command: Command = {
  name: "derive",
  summary: "probe a backend and turn its summation trees into an emulation (a derived order)",
  help: `Usage: chimera derive --backend ID [--classes NT/1,…] [--n N] [--rows M] [--out ORDER.json] [--json]

Probes the backend (chimera probe) at ${DERIVE_K.length} values of k from 1 to ${DERIVE_K[DERIVE_K.length - 1]} for each class of calls, then
searches the emulation vocabulary (one chain, interleaved registers, SIMD lanes with their
reduction trees; whole, fixed or halving k-blocks; three ways a block meets C) for the rule that
reproduces every probed tree. The order it writes is an emulated backend for any k, not only the
probed ones: \`--backend derived:ORDER.json\`; \`chimera fidelity --backends derived:ORDER.json\`
measures it against the real library on shapes the probe never saw.

  --backend ID     the backend to probe (usually native); see \`chimera backends\`
  --classes LIST   classes of calls: layout (N or T for A, then B, row-major) / batch (1 or many);
                   default NT/1 (nn.Linear on one sample, the attack's call)
  --n N            columns of C in the probed calls (default 9: a multiple of 8 plus an edge)
  --rows M         rows of C for "many" classes (default 19: 16 plus an edge)
  --out FILE       write the derived order (JSON)
  --json           print {order, unexplained} instead of a summary

A class whose elements follow different trees (the order depends on the tile position), or that no
rule in the vocabulary explains, is reported; its calls can still be replayed from probe profiles.

Example: chimera derive --backend openblas-0.3.21-sandybridge-serial --out sandybridge.json`,
  flags: {
    backend: backendFlag(), classes: { type: "string", default: "NT/1" }, n: { type: "int", min: 1, max: 512, default: 9 },
    rows: { type: "int", min: 2, max: 512, default: 19 }, out: { type: "path" },
  },
  async run(args, io) {
    const id = getString(args, "backend");
    const classes = parseClasses(getString(args, "classes"));
    const n = getNumber(args, "n");
    const rows = getNumber(args, "rows");
    const kernel = getKernel(id);
    const t0 = performance.now();
    const profiles: ProbeProfile[] = [];
    const shapes = classes.flatMap((cls) => deriveShapes(cls, { n, rows }));
    const progress = new Progress(io, `derive ${id}: probing`, shapes.length, "calls");
    try {
      for (const s of shapes) {
        profiles.push(probe(kernel, "gemm", s));
        progress.update(profiles.length, `k=${s.k}`);
      }
    } finally {
      releaseKernel(kernel);
    }
    const probeSeconds = (performance.now() - t0) / 1000;
    const { order, unexplained } = deriveOrder(profiles);
    const fitSeconds = (performance.now() - t0) / 1000 - probeSeconds;
    const out = maybeString(args, "out");
    if (out) writeFileSync(out, JSON.stringify(order, null, 2) + "\n");
    if (args.json) {
      io.out(JSON.stringify({ order, unexplained, probeSeconds, fitSeconds }, null, 2) + "\n");
    } else {
      io.out(`${id}: ${profiles.length} calls probed in ${probeSeconds.toFixed(1)} s, rules searched in ${fitSeconds.toFixed(1)} s\n`);
      for (const r of order.rules) io.out(`  ${describeRule(r)}\n`);
      for (const u of unexplained) io.out(`  ${className(u.when)}: not derived: ${u.reason}\n`);
      if (out && order.rules.length > 0) io.out(`derived order written to ${out} (use it as --backend derived:${out})\n`);
    }
    return order.rules.length > 0 ? 0 : 1;
  },
};
