import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { moduleAttackModel } from "@chimera/attack";
import { referenceKernel, setWasmEnabled, wasmAvailable } from "@chimera/kernels";
import { cpuInfo } from "@chimera/native";
import { nn, noGrad, ops, Rng, Tensor } from "@chimera/tensor";
import { allBackends, compareWithTorch, convOptions, isTorchLibrary, loadFmnist, loadModule, torchLibraries, torchStatus, zooEntry } from "@chimera/lab";

import { spyKernel } from "../tensor/kernel-spy.js";
import { skipOrFail } from "./run-cli.js";
import { labRuns } from "./torch-runs.js";

/**
 * --conv torch: PyTorch 1.13's own convolution dispatch with oneDNN on, against real PyTorch. Three
 * oracles: which convolutions PyTorch sends to oneDNN (its ONEDNN_VERBOSE log), the bits of oneDNN's
 * convolution (PyTorch's output on random convolutions), and whole fmnist-vgg logits on real libraries.
 * oneDNN runs capped at AVX2 (ONEDNN_MAX_CPU_ISA), the kernel the lab models; a CPU without AVX2 and FMA
 * cannot run it.
 */
const entry = zooEntry("fmnist-vgg");

function needTorchAvx2(ctx: Mocha.Context): string {
  const s = torchStatus();
  if (!s.python) skipOrFail(ctx, `real PyTorch: ${s.reason}`);
  const f = new Set(cpuInfo().features);
  if (!f.has("avx2") || !f.has("fma")) {
    console.log("      skipped: this CPU lacks AVX2 or FMA, so oneDNN's AVX2 convolution (the one the lab models) cannot run here");
    ctx.skip();
  }
  return s.python!;
}

/** Runs python on `script` with the JSON `input` on stdin, oneDNN capped at AVX2; its stdout as JSON. */
function python(py: string, script: string, input: unknown, env: Record<string, string> = {}): { stdout: string; stderr: string } {
  const r = spawnSync(py, ["-c", script], { input: JSON.stringify(input), env: { ...process.env, ONEDNN_MAX_CPU_ISA: "AVX2", ...env }, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr.slice(-1500)}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

const CONV_SCRIPT = `
import sys, json, base64, torch, numpy as np
q = json.load(sys.stdin)
f = lambda b, shape: torch.from_numpy(np.frombuffer(base64.b64decode(b), dtype=np.float32).reshape(shape).copy())
x = f(q["x"], q["xShape"]); w = f(q["w"], q["wShape"]); b = f(q["b"], [q["wShape"][0]]) if q["b"] else None
with torch.no_grad():
    y = torch.nn.functional.conv2d(x, w, b, padding=q["padding"])
print(json.dumps({"y": base64.b64encode(y.contiguous().numpy().astype(np.float32).tobytes()).decode()}))
`;

const b64 = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString("base64");

describe("--conv torch: PyTorch 1.13's convolutions with oneDNN on, bit for bit", () => {
  it("sends to oneDNN exactly the convolutions PyTorch does (its ONEDNN_VERBOSE log, each side of each condition)", function () {
    this.timeout(120_000);
    const py = needTorchAvx2(this);
    // [batch, Cin, Cout, side, kernel, groups]
    const cases = [[1, 1, 32, 28, 3, 1], [1, 32, 32, 28, 3, 1], [1, 32, 32, 25, 3, 1], [1, 32, 32, 26, 3, 1], [2, 1, 32, 28, 3, 1],
      [1, 1, 32, 28, 5, 1], [1, 1, 32, 28, 4, 1], [1, 32, 32, 9, 3, 2], [1, 32, 32, 9, 1, 1], [1, 128, 128, 10, 3, 1]];
    const script = `
import sys, json, torch
for n, ci, co, s, k, g in json.load(sys.stdin):
    c = torch.nn.Conv2d(ci, co, k, padding=k // 2, groups=g)
    print("case", flush=True)
    with torch.no_grad(): c(torch.rand(n, ci, s, s))
    sys.stdout.flush()
`;
    const out = python(py, script, cases, { ONEDNN_VERBOSE: "1" }).stdout.split("case\n").slice(1);
    expect(out.length).to.equal(cases.length);
    cases.forEach(([n, ci, co, s, k, g], i) => {
      const torchOnednn = /exec,cpu,convolution/.test(out[i]!);
      const ours = ops.torchUsesOnednn([n!, ci!, s!, s!], [co!, ci! / g!, k!, k!], g!);
      expect(ours, `batch ${n} ${ci}→${co} ${s}×${s} kernel ${k} groups ${g}: PyTorch ${torchOnednn ? "calls" : "does not call"} oneDNN`).to.equal(torchOnednn);
    });
  });

  it("oneDNN's convolution: the emulation gives PyTorch's bits on random convolutions (channels, sizes, kernels, padding, bias)", function () {
    this.timeout(120_000);
    const py = needTorchAvx2(this);
    const rng = new Rng(20261208);
    // [Cin, Cout, side, kernel, padding, bias]; each input is large enough for oneDNN (checked below)
    const cases = [[32, 32, 28, 3, 1, true], [8, 16, 52, 3, 1, true], [64, 8, 19, 3, 0, false], [16, 24, 37, 5, 2, true], [40, 16, 23, 3, 1, true]] as const;
    for (const [ci, co, s, k, pad, hasBias] of cases) {
      expect(ops.torchUsesOnednn([1, ci, s, s], [co, ci, k, k], 1), `${ci}×${s}×${s} goes to oneDNN`).to.equal(true);
      const x = Float32Array.from({ length: ci * s * s }, () => rng.normal());
      const w = Float32Array.from({ length: co * ci * k * k }, () => rng.uniform(-0.2, 0.2));
      const b = Float32Array.from({ length: co }, () => rng.uniform(-1, 1));
      const answer = JSON.parse(python(py, CONV_SCRIPT, { x: b64(x), xShape: [1, ci, s, s], w: b64(w), wShape: [co, ci, k, k], b: hasBias ? b64(b) : null, padding: pad }).stdout) as { y: string };
      const raw = Buffer.from(answer.y, "base64"), want = new Uint32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      // The WebAssembly path (where the runtime has it), the JavaScript path, and the tap-by-tap definition (a bias of −0).
      const paths: [string, boolean, Float32Array][] = [["JavaScript", false, b], ["tap by tap", false, Float32Array.from(b, (v, i) => (i === 0 ? -0 : v))]];
      if (wasmAvailable) paths.unshift(["WebAssembly", true, b]);
      for (const [path, wasm, bias] of paths) {
        if (path === "tap by tap" && !hasBias) continue;
        const was = wasmAvailable ? setWasmEnabled(wasm) : false;
        let got: Float32Array;
        try {
          got = noGrad(() => ops.onednnConv2d(new Tensor(x, [1, ci, s, s]), new Tensor(w, [co, ci, k, k]), hasBias ? new Tensor(bias, [co]) : null, referenceKernel, { padding: pad })).values();
        } finally {
          if (wasmAvailable) setWasmEnabled(was);
        }
        const bits = new Uint32Array(got.buffer, got.byteOffset, got.length);
        let same = 0;
        // channel 0 with a −0 bias is not PyTorch's (its bias is b[0]): compare the other channels there
        const from = bias === b ? 0 : s * s;
        for (let i = from; i < want.length; i++) if (bits[i] === want[i]) same++;
        expect(`${same}/${want.length - from}`, `${path}: ${ci}→${co} ${s}×${s} kernel ${k} padding ${pad}${hasBias ? "" : " no bias"}`).to.equal(`${want.length - from}/${want.length - from}`);
      }
    }
  });

  it("fmnist-vgg's logits on each serial real library and its emulation equal PyTorch's default (oneDNN on), bit for bit", async function () {
    this.timeout(300_000);
    needTorchAvx2(this);
    const available = new Set(allBackends().filter((b) => b.available && b.kind === "native").map((b) => b.id));
    const wanted = ["openblas-0.3.21-haswell-serial", "blis-0.9.0-zen3-serial", "netlib-3.11.0-generic"];
    const libs = torchLibraries().filter(isTorchLibrary).filter((l) => wanted.includes(l.backendId) && available.has(l.backendId));
    if (libs.length === 0) skipOrFail(this, "no real library PyTorch can load is installed (scripts/install-debian-deps.sh)");
    const net = entry.create().eval();
    loadModule(entry.weightsPath, net);
    const model = moduleAttackModel(net, entry.sampleShape, 10, convOptions("torch"));
    const runs = labRuns(model, libs, loadFmnist("test", { fixture: true, limit: 3 }));
    const cmp = await compareWithTorch(runs, { name: entry.name, weights: entry.weightsPath, shape: entry.sampleShape, conv: "torch" });
    const misses = cmp.perBackend.filter((b) => b.torchLibrary === null || b.logitsEqual !== b.images)
      .map((b) => `${b.backend} vs PyTorch on ${b.torchLibrary}: ${b.logitsEqual}/${b.images} bit-equal${b.reason ? ` (${b.reason})` : ""}`);
    expect(misses, misses.join("\n")).to.deep.equal([]);
    // --conv blas differs from PyTorch's default on these images: the oneDNN layer matters.
    const blas = moduleAttackModel(net, entry.sampleShape, 10, convOptions("blas"));
    const x0 = loadFmnist("test", { fixture: true, limit: 1 }).x;
    expect(Array.from(blas.logits(x0, referenceKernel)), "blas-mode logits differ from torch-mode ones").to.not.deep.equal(Array.from(model.logits(x0, referenceKernel)));
  });

  it("sends fmnist-vgg's small convolutions to the backend and its 32×28×28 one (oneDNN's) to no backend", () => {
    const net = entry.create().eval();
    loadModule(entry.weightsPath, net);
    const model = moduleAttackModel(net, entry.sampleShape, 10, convOptions("torch"));
    const a = spyKernel(referenceKernel), b = spyKernel(referenceKernel);
    const x = new Float32Array(784).fill(0.5);
    model.logits(x, a.kernel);
    model.logits(x, b.kernel);
    for (const spy of [a, b]) {
      const convs = spy.calls.filter((c) => !c.transB).map((c) => `${c.m}x${c.n}x${c.k}`);
      // im2col gemms: Cout × oh·ow × Cin·9 for 1×28×28, 32×9×9 (twice: 2,592 values) and 32×3×3 (twice)
      expect(convs).to.deep.equal(["32x784x9", "32x81x288", "32x81x288", "32x9x288", "32x9x288"]);
    }
    expect(() => new nn.Conv2d(3, 8, 3).forward(new Tensor(new Float32Array(2 * 3 * 10 * 10), [2, 3, 10, 10]), { kernel: referenceKernel, onednn: "avx2" }))
      .to.throw(/oneDNN, whose order for 3 input channels .* does not model/);
  });
});
