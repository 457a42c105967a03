import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import type { KernelInfo } from "@chimera/kernels";
import { addonStatus, buildProduct } from "./addon.js";
import { backendId, backendVariant } from "./backend-id.js";
import { cpuInfo, type CpuInfo } from "./cpu-features.js";
import { expectationMismatch, runningPath } from "./describe-report.js";
import { inProcessOps } from "./in-process-ops.js";
import { controlledEnv, libraryCatalog, type LibraryFile, type VariantDecl } from "./library-catalog.js";
import { makeNativeKernel, withId, type NativeKernel, type NativeOps } from "./native-kernel.js";
import { workerOps, type WorkerData } from "./worker-ops.js";

/** How to host a backend: in this process, or in a worker process with the variant's environment. */
export type Transport = "in-process" | "worker";

/** How create() hosts a backend; the defaults are the backend's transport and shared memory. */
export interface CreateOptions {
  transport?: Transport;
  /** For workers: operands through a shared region (default) or through the FIFO. */
  workerData?: WorkerData;
}

/** One native backend the bridge knows, available here or not. */
export interface NativeBackend {
  readonly id: string;
  readonly kind: "native";
  readonly library: string;
  readonly version: string;
  readonly variant: string;
  readonly threads: number;
  readonly available: boolean;
  /** Why it is unavailable (missing file, addon not built, wrong platform, a CPU feature it needs). */
  readonly reason?: string;
  /** The CPU features its kernels use (empty for "auto" variants and portable code). */
  readonly needs: readonly string[];
  /** Set when this CPU (after CHIMERA_CPU_FEATURES) is why it cannot run: a needed feature, or an "auto" variant under the override. */
  readonly cpuReason?: string;
  /** The library file that would be loaded. */
  readonly path?: string;
  /** The transport create() uses by default. */
  readonly transport: Transport;
  /** Starts the backend (a worker process, or a library loaded here). Throws when unavailable. */
  create(options?: CreateOptions): NativeKernel;
}

/** The path of a library file: CHIMERA_BLAS_<NAME> when set, else the first candidate that exists. */
export function resolveLibraryPath(file: LibraryFile, env: NodeJS.ProcessEnv = process.env): { path?: string; reason?: string } {
  if (file.platform && file.platform !== process.platform) {
    return { reason: `${file.library} exists only on ${file.platform} (this is ${process.platform})` };
  }
  const override = env[`CHIMERA_BLAS_${file.envName}`];
  if (file.noFileOnDisk) return { path: override || file.candidates[0]! };
  if (override) return existsSync(override) ? { path: override } : { reason: `CHIMERA_BLAS_${file.envName}=${override} does not exist` };
  const found = file.candidates.find((p) => existsSync(p));
  return found ? { path: found } : { reason: `not found (looked in ${file.candidates.join(", ")}; set CHIMERA_BLAS_${file.envName})` };
}

/** The version of a file, from its real path when the catalog says how (else the catalog's). */
function fileVersion(file: LibraryFile, path: string | undefined): string {
  if (!file.versionFromPath || !path) return file.version;
  try {
    return file.versionFromPath.exec(realpathSync(path))?.[1] ?? file.version;
  } catch {
    return file.version;
  }
}

/** The file the bridge opens (an adapter build product, or the library itself) and its extra env. */
function loadTarget(file: LibraryFile, path: string): { open: string; env: Record<string, string> } {
  if (!file.adapter) return { open: path, env: {} };
  const env: Record<string, string> = { [file.adapter.env]: path };
  const cudart = join(dirname(path), "libcudart.so");
  if (file.library === "cublas" && existsSync(cudart)) env.CHIMERA_CUDART = cudart;
  return { open: buildProduct(file.adapter.product), env };
}

/** The environment a worker for this variant starts with. */
function workerEnv(decl: VariantDecl, threads: number, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  for (const k of controlledEnv) delete out[k];
  const t = String(threads);
  Object.assign(out, { OPENBLAS_NUM_THREADS: t, BLIS_NUM_THREADS: t, MKL_NUM_THREADS: t, OMP_NUM_THREADS: t }, decl.env);
  const preload = [...(decl.preload ?? []), ...(decl.preloadMklIntelPath ? [buildProduct("chimera_mkl_intel_path")] : [])];
  if (preload.length) out.LD_PRELOAD = preload.join(":");
  return out;
}

/** Why this CPU cannot run the variant (a feature it needs is missing or hidden), or undefined. */
function cpuReason(file: LibraryFile, decl: VariantDecl, cpu: CpuInfo): string | undefined {
  const missing = (decl.needs ?? []).filter((f) => !cpu.has(f));
  if (missing.length) {
    const hidden = missing.some((f) => cpu.hidden.includes(f));
    return `needs ${missing.join(", ")}, which this CPU lacks` + (hidden ? ` (hidden by CHIMERA_CPU_FEATURES=${cpu.override})` : "");
  }
  if (decl.detectsCpu?.(cpu) && cpu.hidden.length) {
    return `CHIMERA_CPU_FEATURES=${cpu.override} hides features this CPU has, but ${file.library}'s own CPU detection ` +
      "still sees them: what \"auto\" runs here is not what it would run on a CPU without them (use a named variant)";
  }
  return undefined;
}

function describe(file: LibraryFile, decl: VariantDecl, threads: number, env: NodeJS.ProcessEnv, cpu: CpuInfo): NativeBackend {
  const variant = backendVariant(decl.cpu, file.threading);
  const addon = addonStatus();
  const resolved = resolveLibraryPath(file, env);
  const version = fileVersion(file, resolved.path);
  const id = backendId(file.library, version, variant, threads);
  const preloadMissing = decl.preloadMklIntelPath && !existsSync(buildProduct("chimera_mkl_intel_path"));
  const adapterMissing = file.adapter && !existsSync(buildProduct(file.adapter.product));
  const preloadAbsent = (decl.preload ?? []).filter((p) => !existsSync(p));
  const reasons = [addon.reason, resolved.reason, preloadMissing ? "the MKL Intel-path preload is not built" : undefined,
    adapterMissing ? `the ${file.library} adapter is not built` : undefined,
    preloadAbsent.length ? `needs ${preloadAbsent.join(", ")} preloaded, which is missing (Debian: libgomp1)` : undefined,
    file.platform && file.platform !== process.platform ? undefined : cpuReason(file, decl, cpu)];
  const cpuWhy = reasons[reasons.length - 1];
  const reason = reasons.some((r) => r !== undefined) ? reasons.filter((r) => r !== undefined).join("; ") : undefined;
  const transport: Transport = file.inProcess ? "in-process" : "worker";
  const base = { id, kind: "native" as const, library: file.library, version, variant, threads };
  return {
    ...base,
    needs: decl.needs ?? [],
    ...(cpuWhy !== undefined ? { cpuReason: cpuWhy } : {}),
    available: reason === undefined,
    ...(reason !== undefined ? { reason } : {}),
    ...(resolved.path !== undefined ? { path: resolved.path } : {}),
    transport,
    create(options?: CreateOptions): NativeKernel {
      if (reason !== undefined) throw new Error(`${id}: unavailable: ${reason}`);
      const how = options?.transport ?? transport;
      if (how === "in-process" && !file.inProcess) {
        throw new Error(`${id}: needs its own process (its settings are read when the library loads); use transport "worker"`);
      }
      let ops: NativeOps;
      try {
        const target = loadTarget(file, resolved.path!);
        ops = how === "in-process"
          ? inProcessOps(target.open, threads)
          : workerOps({
            id, path: target.open, threads, env: { ...workerEnv(decl, threads, env), ...target.env },
            data: options?.workerData ?? "shared-memory",
          });
      } catch (e) {
        throw withId(id, e);
      }
      const report = ops.report();
      const mismatch = expectationMismatch(decl.expect, report);
      if (mismatch) {
        ops.dispose();
        throw new Error(`${id}: ${mismatch}`);
      }
      const info: KernelInfo = {
        ...base,
        description: `the real library (${runningPath(report)}), ${threads} thread${threads > 1 ? "s" : ""}, ${how}; `
          + "its summation order is the library's own",
      };
      return makeNativeKernel(info, how, ops);
    },
  };
}

/**
 * Every native backend in the catalog (library-catalog.ts), cuBLAS and Accelerate included, each
 * marked available or not with the reason: a variant whose kernels need a CPU feature this CPU lacks
 * (cpuInfo(), after CHIMERA_CPU_FEATURES) is unavailable before any worker starts. Cheap: nothing is
 * loaded until create(). `env` defaults to process.env (CHIMERA_BLAS_* and CHIMERA_CPU_FEATURES
 * overrides, and the base of worker envs). Throws on a malformed CHIMERA_CPU_FEATURES.
 */
export function discoverNativeBackends(env: NodeJS.ProcessEnv = process.env): NativeBackend[] {
  const out: NativeBackend[] = [];
  const cpu = cpuInfo(env);
  for (const file of libraryCatalog) {
    for (const decl of file.variants) {
      for (const threads of decl.threads) out.push(describe(file, decl, threads, env, cpu));
    }
  }
  return out;
}
