import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { Tensor, readSafetensorsFile, writeSafetensorsFile, type HostArray, type nn, type optim } from "@chimera/tensor";

/** What a training checkpoint records besides tensors: the finished epoch and the run's config. */
export interface CheckpointInfo {
  epoch: number;
  config: string;
}

/**
 * Saves model and optimizer state after a finished epoch, atomically (temp file + rename), so a
 * killed run resumes from the last finished epoch with identical results.
 */
export function saveCheckpoint(path: string, model: nn.Module, opt: optim.Optimizer, info: CheckpointInfo): void {
  const tensors = new Map<string, HostArray>();
  const put = (k: string, t: Tensor) => tensors.set(k, { dtype: "float32", shape: [...t.shape], data: Float32Array.from(t.values()) });
  for (const [k, t] of model.stateDict()) put(`model.${k}`, t);
  for (const [k, t] of opt.stateDict()) put(`optim.${k}`, t);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeSafetensorsFile(tmp, tensors, { epoch: String(info.epoch), config: info.config });
  renameSync(tmp, path);
}

/**
 * Restores a checkpoint into `model` and `opt` when it exists and was made with the same config;
 * returns the finished epoch (0 when starting fresh). A config mismatch is an error: the user
 * chooses between resuming with the old settings and --fresh.
 */
export function loadCheckpoint(path: string, model: nn.Module, opt: optim.Optimizer, config: string): number {
  if (!existsSync(path)) return 0;
  const { tensors, metadata } = readSafetensorsFile(path);
  if (metadata?.config !== config) {
    throw new Error(`checkpoint ${path} was made with other settings (${metadata?.config ?? "none recorded"}); ` +
      `rerun with those settings, or pass --fresh to start over`);
  }
  const modelState = new Map<string, Tensor>(), optState = new Map<string, Tensor>();
  for (const [k, a] of tensors) {
    const t = new Tensor(Float32Array.from(a.data as Float32Array), a.shape);
    if (k.startsWith("model.")) modelState.set(k.slice(6), t);
    else if (k.startsWith("optim.")) optState.set(k.slice(6), t);
  }
  model.loadStateDict(modelState);
  opt.loadStateDict(optState);
  return Number(metadata.epoch);
}

/**
 * Appends one JSON line (a finished unit of work) to a log file. When a killed run left a torn last
 * line (no newline), the record starts on a fresh line, so the torn one cannot swallow it.
 */
export function appendJsonl(path: string, record: object): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, (endsTorn(path) ? "\n" : "") + JSON.stringify(record) + "\n");
}

/** True when `path` exists, is not empty and its last byte is not a newline. */
function endsTorn(path: string): boolean {
  if (!existsSync(path)) return false;
  const size = statSync(path).size;
  if (size === 0) return false;
  const fd = openSync(path, "r"), last = Buffer.alloc(1);
  try {
    readSync(fd, last, 0, 1, size - 1);
  } finally {
    closeSync(fd);
  }
  return last[0] !== 0x0a;
}
