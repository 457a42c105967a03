import { existsSync, mkdirSync, readlinkSync, renameSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { backendId, backendVariant, buildProduct, controlledEnv, libraryCatalog, resolveLibraryPath, type LoadExpectation } from "@chimera/native";

/**
 * How a PyTorch process reaches one native backend's library. Debian's PyTorch (1.13, BLAS_INFO=generic)
 * calls the Fortran `sgemm_` of `libblas.so.3`, so LD_LIBRARY_PATH naming a folder whose libblas.so.3 is
 * that library picks it per process (../../shared/NUMERICS.md); the library's load-time settings
 * (OpenBLAS core type, BLIS arch, MKL code path and threading layer) come from the same catalog
 * declaration the native bridge's workers use (packages/native/src/library-catalog.ts), one thread.
 */
export interface TorchLibrary {
  /** The native backend id this reproduces, e.g. `openblas-0.3.21-haswell-serial`. */
  readonly backendId: string;
  /** The folder LD_LIBRARY_PATH names (the library's own, or a folder with a libblas.so.3 symlink to it). */
  readonly folder: string;
  /** The file PyTorch's sgemm_ must resolve to (checked after the run). */
  readonly sgemmFile: string;
  /** Variables set for the process (thread counts 1, the variant's own), on top of a cleaned environment. */
  readonly env: Readonly<Record<string, string>>;
  /** What the loaded library must report (the catalog's expectation for the variant). */
  readonly expect?: LoadExpectation;
}

/** A native backend PyTorch cannot be pointed at here, and why. */
export interface TorchLibraryMissing {
  readonly backendId: string;
  readonly reason: string;
}

const LIB = "/usr/lib/x86_64-linux-gnu";

/** Libraries that export the Fortran BLAS PyTorch calls; the others are named with the reason. */
const noFortranBlas: Readonly<Record<string, string>> = {
  eigen: "Eigen is compiled into the bridge behind a CBLAS shim; it has no Fortran sgemm_ for PyTorch's libblas.so.3 to be",
  cublas: "Debian's PyTorch is a CPU build: its gemm calls go to the CPU BLAS, never cuBLAS",
  accelerate: "Accelerate exists on macOS only; Debian's PyTorch runs on Linux",
};

/**
 * Every native backend in the catalog, as a PyTorch library or with the reason it cannot be one:
 * no Fortran BLAS, more than one thread (PyTorch runs with torch.set_num_threads(1)), or the file missing.
 */
export function torchLibraries(env: NodeJS.ProcessEnv = process.env): Array<TorchLibrary | TorchLibraryMissing> {
  const out: Array<TorchLibrary | TorchLibraryMissing> = [];
  for (const file of libraryCatalog) {
    for (const decl of file.variants) {
      for (const threads of decl.threads) {
        const id = backendId(file.library, file.version, backendVariant(decl.cpu, file.threading), threads);
        const resolved = resolveLibraryPath(file, env);
        const reason = noFortranBlas[file.library]
          ?? (threads > 1 ? `PyTorch runs single-threaded here (torch.set_num_threads(1)); use the one-thread backend of ${file.library}` : undefined)
          ?? (resolved.path === undefined ? resolved.reason ?? "library file not found" : undefined)
          ?? (decl.preloadMklIntelPath && !existsSync(buildProduct("chimera_mkl_intel_path")) ? "the MKL Intel-path preload is not built (npm ci builds it)" : undefined);
        if (reason !== undefined) {
          out.push({ backendId: id, reason });
          continue;
        }
        const path = resolved.path!;
        const own = join(dirname(path), "libblas.so.3");
        // A library folder of its own with a libblas.so.3 (OpenBLAS, BLIS, netlib, ATLAS) is used as it is;
        // a library without one (MKL's libmkl_rt.so beside the system's alternative) gets a symlink folder.
        const folder = dirname(path) !== LIB && existsSync(own) ? dirname(path) : symlinkFolder(`${file.library}-${file.version}-${file.threading || "single"}`, path);
        const vars: Record<string, string> = { OPENBLAS_NUM_THREADS: "1", BLIS_NUM_THREADS: "1", MKL_NUM_THREADS: "1", OMP_NUM_THREADS: "1", ...decl.env };
        if (decl.preloadMklIntelPath) vars.LD_PRELOAD = buildProduct("chimera_mkl_intel_path");
        out.push({ backendId: id, folder, sgemmFile: join(folder, "libblas.so.3"), env: vars, ...(decl.expect ? { expect: decl.expect } : {}) });
      }
    }
  }
  return out;
}

/** The PyTorch library for native backend `id`; throws naming the id and why when there is none. */
export function torchLibraryFor(id: string, env: NodeJS.ProcessEnv = process.env): TorchLibrary {
  const all = torchLibraries(env);
  const found = all.find((l) => l.backendId === id);
  if (!found) throw new Error(`"${id}" is not a native backend; PyTorch can be pointed at: ${all.filter(isTorchLibrary).map((l) => l.backendId).join(", ")}`);
  if (!isTorchLibrary(found)) throw new Error(`PyTorch cannot run on ${id}: ${found.reason}`);
  return found;
}

/** True for a usable library (not a reason). */
export function isTorchLibrary(l: TorchLibrary | TorchLibraryMissing): l is TorchLibrary {
  return "folder" in l;
}

/** The environment of a PyTorch process on `lib`: ours, cleaned of every variable the bridge controls. */
export function torchProcessEnv(lib: TorchLibrary, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  for (const k of controlledEnv) delete out[k];
  return { ...out, ...lib.env, LD_LIBRARY_PATH: lib.folder };
}

/** A folder under the temp dir holding `libblas.so.3` → `target` (made atomically; reused when right). */
function symlinkFolder(name: string, target: string): string {
  const folder = join(tmpdir(), "chimera-torch-blas", name);
  const link = join(folder, "libblas.so.3");
  try {
    if (readlinkSync(link) === target) return folder;
  } catch {
    // not there yet
  }
  mkdirSync(folder, { recursive: true });
  const tmp = `${link}.tmp-${process.pid}`;
  symlinkSync(target, tmp);
  renameSync(tmp, link);
  return folder;
}
