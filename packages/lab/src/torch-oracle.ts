import { spawn, spawnSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { labRoot } from "./paths.js";
import { torchProcessEnv, type TorchLibrary } from "./torch-libraries.js";

/** How to get PyTorch here, for every error that finds it missing. */
export const torchInstallHint =
  "install Debian's PyTorch: `apt-get install -y --no-install-recommends python3-torch` (or `bash scripts/install-debian-deps.sh`), " +
  "or set CHIMERA_TORCH_PYTHON to a python3 that can `import torch`";

/** The script a PyTorch process runs (packages/lab/python/torch-logits.py). */
export const torchScript = join(labRoot, "python", "torch-logits.py");

const probed = new Map<string, { python?: string; version?: string; reason?: string }>();

/**
 * The python that has PyTorch (CHIMERA_TORCH_PYTHON, else Debian's /usr/bin/python3, not a pyenv one on
 * PATH) and torch's version, or why there is none. Probed once per python path.
 */
export function torchStatus(): { python?: string; version?: string; reason?: string } {
  const python = process.env.CHIMERA_TORCH_PYTHON || "/usr/bin/python3";
  const known = probed.get(python);
  if (known) return known;
  let status: { python?: string; version?: string; reason?: string };
  if (!existsSync(python)) status = { reason: `${python} does not exist; ${torchInstallHint}` };
  else {
    const r = spawnSync(python, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8", timeout: 120_000 });
    const why = (r.stderr || r.error?.message || "").trim().split("\n").pop() ?? "";
    status = r.status === 0 ? { python, version: r.stdout.trim() } : { reason: `${python} cannot import torch (${why}); ${torchInstallHint}` };
  }
  probed.set(python, status);
  return status;
}

/** What one PyTorch process computed. */
export interface TorchAnswer {
  /** torch.__version__ */
  readonly torch: string;
  /** One logits vector per image, float32 exactly as PyTorch produced them. */
  readonly logits: Float32Array[];
  /** The file PyTorch's sgemm_ resolved to (checked against the library asked for). */
  readonly sgemm: string;
}

/**
 * The model's logits in real PyTorch on `lib`, one image per forward call (batch 1): each image is
 * `shape` uint8 bytes, fed as bytes / 255 in float32. Convolutions run with oneDNN off (im2col + sgemm_,
 * the lab's --conv blas) unless `mkldnn` (PyTorch's default, the lab's --conv shared and torch); `onednnIsa`
 * caps oneDNN's ISA (ONEDNN_MAX_CPU_ISA, for --conv torch, whose oneDNN emulation is of the AVX2 kernel). Throws when PyTorch is missing (with how to get it),
 * when the process fails (with its stderr), or when PyTorch did not run on the library asked for.
 */
export async function torchLogits(
  lib: TorchLibrary, req: { model: string; weights: string; shape: readonly number[]; images: readonly Uint8Array[]; mkldnn?: boolean; onednnIsa?: "AVX2" },
): Promise<TorchAnswer> {
  const status = torchStatus();
  if (!status.python) throw new Error(`real PyTorch is not available: ${status.reason}`);
  const bytes = Buffer.concat(req.images.map((x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength)));
  const input = JSON.stringify({ model: req.model, weights: req.weights, shape: req.shape, images: bytes.toString("base64"), mkldnn: req.mkldnn === true });
  const env = torchProcessEnv(lib);
  // oneDNN's kernel depends on the ISA it may use: the lab models its AVX2 convolution (any x86-64 with AVX2).
  if (req.onednnIsa !== undefined) env.ONEDNN_MAX_CPU_ISA = req.onednnIsa;
  const r = await runPython(status.python, input, env);
  if (r.status !== 0) {
    throw new Error(`PyTorch on ${lib.backendId} (LD_LIBRARY_PATH=${lib.folder}) failed with ${r.status ?? "a signal"}: ${r.stderr.trim().slice(-800)}`);
  }
  const a = JSON.parse(r.stdout) as { torch: string; sgemm: string | null; mapped: string[]; corename: string | null; classes: number; logits: string };
  const want = realpathSync(lib.sgemmFile);
  if (a.sgemm !== want) throw new Error(`PyTorch on ${lib.backendId}: its sgemm_ resolves to ${a.sgemm ?? "nothing"}, not ${want} (LD_LIBRARY_PATH=${lib.folder})`);
  const core = lib.expect?.openblasCorename;
  if (core && a.corename?.toLowerCase() !== core.toLowerCase()) throw new Error(`PyTorch on ${lib.backendId}: OpenBLAS runs core ${a.corename}, expected ${core}`);
  const mklPath = lib.expect?.mklPath;
  if (mklPath && !a.mapped.some((p) => p.endsWith(`/libmkl_${mklPath}.so`))) {
    throw new Error(`PyTorch on ${lib.backendId}: MKL did not load libmkl_${mklPath}.so (loaded: ${a.mapped.filter((p) => p.includes("mkl")).join(", ")})`);
  }
  const raw = Buffer.from(a.logits, "base64");
  const all = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  if (all.length !== a.classes * req.images.length) throw new Error(`PyTorch on ${lib.backendId}: ${all.length} logits for ${req.images.length} images of ${a.classes} classes`);
  const logits = req.images.map((_, i) => all.slice(i * a.classes, (i + 1) * a.classes));
  return { torch: a.torch, logits, sgemm: a.sgemm };
}

/** Runs the script with `input` on stdin; resolves with its exit status and output. */
function runPython(python: string, input: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [torchScript], { env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
    child.stdin.end(input);
  });
}
