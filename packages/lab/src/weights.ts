import { existsSync, renameSync } from "node:fs";
import { Tensor, readSafetensorsFile, writeSafetensorsFile, type HostArray, type nn } from "@chimera/tensor";

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

/**
 * Loads safetensors weights into `module` (keys and shapes must match exactly; float16/bfloat16/
 * float64 tensors are converted to float32). Returns the file's metadata.
 */
export function loadModule(path: string, module: nn.Module): Record<string, string> {
  if (!existsSync(path)) {
    throw new Error(`weights file ${path} does not exist (train it with \`chimera train\`, or pass --weights PATH)`);
  }
  const { tensors, metadata } = readSafetensorsFile(path);
  const state = new Map<string, Tensor>();
  for (const [k, a] of tensors) {
    if (!(a.data instanceof Float32Array) && !(a.data instanceof Float64Array)) {
      throw new Error(`${path}: tensor "${k}" has dtype ${a.dtype}; expected a floating-point dtype`);
    }
    state.set(k, new Tensor(Float32Array.from(a.data), a.shape));
  }
  module.loadStateDict(state);
  return metadata ?? {};
}
