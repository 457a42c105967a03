import { createHash } from "node:crypto";
import { renameSync } from "node:fs";
import { Tensor, readSafetensors, writeSafetensorsFile, type HostArray, type nn } from "@chimera/tensor";
import { readUserFile } from "./user-file.js";

/** The largest weights file read (the lab's models are well under 1 MiB; this leaves room for bigger ones). */
export const MAX_WEIGHTS_BYTES = 1 << 30;

/**
 * Saves a module's state dict as safetensors (float32, PyTorch key names), with string metadata.
 * Writes to a temporary file first and renames, so a killed run never leaves a torn file.
 */
export function saveModule(path: string, module: nn.Module, metadata: Record<string, string> = {}): void {
  const tensors = new Map<string, HostArray>();
  for (const [k, t] of module.stateDict()) tensors.set(k, { dtype: "float32", shape: [...t.shape], data: Float32Array.from(t.values()) });
  const tmp = `${path}.tmp-${process.pid}`;
  writeSafetensorsFile(tmp, tensors, metadata);
  renameSync(tmp, path);
}

/** What loadWeights read: the file's metadata and the sha256 (hex) of its bytes, which results folders pin. */
export interface LoadedWeights {
  metadata: Record<string, string>;
  sha256: string;
}

/**
 * Loads safetensors weights into `module` (keys and shapes must match exactly; float16/bfloat16/
 * float64 tensors are converted to float32). A tensor holding NaN or ±Inf after that conversion
 * (float64 values beyond float32's range become Inf) is refused, naming the tensor and the first such
 * element: a model with such weights classifies nothing meaningfully. The file is read once, at most
 * MAX_WEIGHTS_BYTES; a missing file or a folder is an error naming it.
 */
export function loadWeights(path: string, module: nn.Module): LoadedWeights {
  const bytes = readUserFile(path, {
    what: "weights file", expected: "a .safetensors file (train one with `chimera train`, or pass --weights PATH)", maxBytes: MAX_WEIGHTS_BYTES,
  });
  const { tensors, metadata } = readSafetensors(bytes, path);
  const state = new Map<string, Tensor>();
  for (const [k, a] of tensors) {
    if (!(a.data instanceof Float32Array) && !(a.data instanceof Float64Array)) {
      throw new Error(`${path}: tensor "${k}" has dtype ${a.dtype}; expected a floating-point dtype`);
    }
    const data = Float32Array.from(a.data);
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      const was = a.data[bad]!;
      const why = Number.isFinite(was) ? `${a.dtype} value ${was} overflows float32 to ${data[bad]}` : `value ${was}`;
      throw new Error(`${path}: tensor "${k}" element ${bad} is not finite (${why}); weights must be finite float32 values`);
    }
    state.set(k, new Tensor(data, a.shape));
  }
  module.loadStateDict(state);
  return { metadata: metadata ?? {}, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** loadWeights, returning the file's metadata only. */
export function loadModule(path: string, module: nn.Module): Record<string, string> {
  return loadWeights(path, module).metadata;
}
