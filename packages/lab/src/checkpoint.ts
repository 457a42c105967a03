import { existsSync, mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import { firstDifference } from "./results-folder.js";
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
    let what = metadata?.config ?? "none recorded";
    try {
      const d = firstDifference(JSON.parse(metadata!.config!), JSON.parse(config));
      if (d) what = `${d.path} was ${JSON.stringify(d.was) ?? "(not recorded)"}, this run has ${JSON.stringify(d.now) ?? "(none)"}`;
    } catch { /* not JSON: show it whole */ }
    throw new Error(`checkpoint ${path} was made with other settings (${what}); rerun with those settings, or pass --fresh to start over`);
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

export { appendJsonl } from "./experiments/jsonl-records.js";
