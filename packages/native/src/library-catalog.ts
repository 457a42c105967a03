import { buildProduct } from "./addon.js";

/**
 * Every native library the bridge knows, as declarations: which file, which load-time settings make
 * each variant, and what the loaded library must report for the variant to be what its id says.
 * Adding a library is adding an entry here (see README.md).
 *
 * Backend ids read `<library>-<version>-<cpu>[-<threading>][-t<threads>]`: `cpu` is the code path
 * asked for ("auto" = whatever the library picks on this machine), `threading` the build or layer
 * (omitted for single-threaded-only libraries), `-tN` only when N > 1.
 */
export interface LibraryFile {
  /** `CHIMERA_BLAS_<envName>=/path/lib.so` overrides the path. */
  readonly envName: string;
  readonly library: string;
  readonly version: string;
  /** Threading build or layer ("pthread", "openmp", "serial", "sequential", "gnu"), or "" for none. */
  readonly threading: string;
  /** Where to look, in order (the first that exists is used). */
  readonly candidates: readonly string[];
  /** True when the file has no load-time settings, so the parent process may load it itself. */
  readonly inProcess: boolean;
  readonly variants: readonly VariantDecl[];
  /** The platform the library exists on (others list it as unavailable, with that reason). */
  readonly platform?: NodeJS.Platform;
  /** Dynamic-linker-cache libraries (macOS system frameworks) have no file to check: trust the path. */
  readonly noFileOnDisk?: boolean;
  /**
   * A build product of this package loaded instead of the found file, which it opens itself; the
   * worker's environment names the file in `adapter.env` (e.g. cuBLAS through chimera_cublas).
   */
  readonly adapter?: { readonly product: string; readonly env: string };
  /** Reads the version from the found file's real path (e.g. libcublas.so.12.4.5.8 → 12.4.5). */
  readonly versionFromPath?: RegExp;
}

/** One code path of a library file. */
export interface VariantDecl {
  /** The CPU kernel / code path asked for, e.g. "haswell"; "auto" sets nothing. */
  readonly cpu: string;
  /** Thread counts offered (each becomes its own backend id). */
  readonly threads: readonly number[];
  /** Environment the worker process starts with (read by the library when it loads). */
  readonly env: Readonly<Record<string, string>>;
  /** Preload build/Release/chimera_mkl_intel_path (MKL's Intel code paths on a non-Intel CPU). */
  readonly preloadMklIntelPath?: boolean;
  /** What the loaded library must report, else the backend fails to start. */
  readonly expect?: LoadExpectation;
}

/** Checked against LibraryReport after the library has loaded and run one small gemm. */
export interface LoadExpectation {
  /** openblas_get_corename(), compared case-insensitively. */
  readonly openblasCorename?: string;
  /** bli_arch_string(bli_arch_query_id()). */
  readonly blisArch?: string;
  /** The `<path>` of the libmkl_<path>.so that MKL loaded (def, mc3, avx, avx2, avx512). */
  readonly mklPath?: string;
}

const LIB = "/usr/lib/x86_64-linux-gnu";

/** Variables a worker's environment is cleaned of before the variant's own are set. */
export const controlledEnv = [
  "OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OPENBLAS_VERBOSE", "BLIS_ARCH_TYPE",
  "BLIS_NUM_THREADS", "BLIS_JC_NT", "BLIS_IC_NT", "BLIS_JR_NT", "BLIS_IR_NT", "MKL_NUM_THREADS",
  "MKL_THREADING_LAYER", "MKL_ENABLE_INSTRUCTIONS", "MKL_CBWR", "MKL_DYNAMIC", "MKL_DEBUG_CPU_TYPE",
  "OMP_NUM_THREADS", "OMP_DYNAMIC", "LD_PRELOAD",
] as const;

// OpenBLAS 0.3.21 (Debian DYNAMIC_ARCH builds): OPENBLAS_CORETYPE is read once when the library loads
// (driver/others/dynamic.c); an unknown or unsupported name silently falls back to auto-detection,
// hence the corename check.
const openblasCores: Record<string, string> = {
  haswell: "Haswell", skylakex: "SkylakeX", cooperlake: "Cooperlake", zen: "Zen", sandybridge: "Sandybridge",
  nehalem: "Nehalem",
};

function openblas(threading: string, file: string, cores: string[], threads: number[]): LibraryFile {
  return {
    envName: `OPENBLAS_${threading.toUpperCase()}`, library: "openblas", version: "0.3.21", threading,
    candidates: [`${LIB}/openblas-${threading}/${file}`], inProcess: false,
    variants: ["auto", ...cores].map((cpu): VariantDecl => cpu === "auto"
      ? { cpu, threads, env: {} }
      : { cpu, threads, env: { OPENBLAS_CORETYPE: openblasCores[cpu]! }, expect: { openblasCorename: openblasCores[cpu]! } }),
  };
}

// BLIS 0.9.0: BLIS_ARCH_TYPE takes the numeric arch_t value (frame/include/bli_type_defs.h); the
// numbers below were read back with bli_arch_string() from Debian's libblis.so.4. A name or an empty
// value parses as 0 (skx), so "auto" leaves the variable unset.
const blisArchIds: Record<string, number> = {
  skx: 0, haswell: 3, sandybridge: 4, penryn: 5, zen3: 6, zen2: 7, zen: 8, generic: 25,
};

function blis(threading: string, archs: string[], threads: number[]): LibraryFile {
  return {
    envName: `BLIS_${threading.toUpperCase()}`, library: "blis", version: "0.9.0", threading,
    candidates: [`${LIB}/blis-${threading}/libblis.so.4`], inProcess: false,
    variants: ["auto", ...archs].map((cpu): VariantDecl => cpu === "auto"
      ? { cpu, threads, env: {} }
      : { cpu, threads, env: { BLIS_ARCH_TYPE: String(blisArchIds[cpu]) }, expect: { blisArch: cpu } }),
  };
}

// MKL 2020.4 (Debian libmkl-rt): on a non-Intel CPU it runs libmkl_def whatever it is told; with the
// Intel-path preload, MKL_ENABLE_INSTRUCTIONS picks libmkl_mc3 / _avx / _avx2 / _avx512.
const mklPaths: Record<string, { isa: string; lib: string }> = {
  sse42: { isa: "SSE4_2", lib: "mc3" }, avx: { isa: "AVX", lib: "avx" }, avx2: { isa: "AVX2", lib: "avx2" },
  avx512: { isa: "AVX512", lib: "avx512" },
};

function mkl(threading: "sequential" | "gnu", paths: string[], threads: number[]): LibraryFile {
  const layer = { MKL_THREADING_LAYER: threading === "gnu" ? "GNU" : "SEQUENTIAL" };
  return {
    envName: "MKL", library: "mkl", version: "2020.4", threading, candidates: [`${LIB}/libmkl_rt.so`],
    inProcess: false,
    variants: ["auto", ...paths].map((cpu): VariantDecl => cpu === "auto"
      ? { cpu, threads, env: layer }
      : {
        cpu, threads, env: { ...layer, MKL_ENABLE_INSTRUCTIONS: mklPaths[cpu]!.isa }, preloadMklIntelPath: true,
        expect: { mklPath: mklPaths[cpu]!.lib },
      }),
  };
}

/** One variant, one thread, nothing to set: the file may be loaded in-process. */
function single(envName: string, library: string, version: string, cpu: string, candidates: string[]): LibraryFile {
  return {
    envName, library, version, threading: "", candidates, inProcess: true,
    variants: [{ cpu, threads: [1], env: {} }],
  };
}

/** The catalog, in the order `chimera backends` lists it. */
export const libraryCatalog: readonly LibraryFile[] = [
  single("NETLIB", "netlib", "3.11.0", "generic", [`${LIB}/blas/libblas.so.3.11.0`]),
  single("ATLAS", "atlas", "3.10.3", "base", [`${LIB}/atlas/libblas.so.3.10.3`]),
  openblas("serial", "libopenblas-r0.3.21.so", Object.keys(openblasCores), [1]),
  openblas("pthread", "libopenblasp-r0.3.21.so", ["haswell", "skylakex", "cooperlake"], [1, 2]),
  openblas("openmp", "libopenblasp-r0.3.21.so", ["haswell", "skylakex", "cooperlake"], [1, 2]),
  blis("serial", Object.keys(blisArchIds), [1]),
  blis("pthread", ["generic", "haswell", "skx"], [1, 2]),
  blis("openmp", ["generic", "haswell", "skx"], [1, 2]),
  mkl("sequential", Object.keys(mklPaths), [1]),
  mkl("gnu", ["avx2", "avx512"], [1, 2]),
  // Eigen 3.4.0 compiled by this package (csrc/eigen-cblas.cc), once per ISA.
  single("EIGEN_GENERIC", "eigen", "3.4.0", "generic", [buildProduct("chimera_eigen_generic")]),
  single("EIGEN_NATIVE", "eigen", "3.4.0", "native", [buildProduct("chimera_eigen_native")]),
  // cuBLAS (NVIDIA GPUs) through csrc/cublas-cblas.c: pedantic math (no TF32), one GPU, in a worker so
  // the CUDA context has its own process. Not yet run on a GPU.
  {
    envName: "CUBLAS", library: "cublas", version: "unknown", threading: "", platform: "linux", inProcess: false,
    candidates: ["/usr/local/cuda/lib64/libcublas.so", "/usr/local/cuda/lib/libcublas.so", `${LIB}/libcublas.so`,
      ...[13, 12, 11].flatMap((v) => [`/usr/local/cuda/lib64/libcublas.so.${v}`, `/usr/local/cuda/lib/libcublas.so.${v}`, `${LIB}/libcublas.so.${v}`])],
    adapter: { product: "chimera_cublas", env: "CHIMERA_CUBLAS" }, versionFromPath: /libcublas\.so\.(\d+\.\d+\.\d+)/,
    variants: [{ cpu: "pedantic", threads: [1], env: {} }],
  },
  // Apple Accelerate: a system framework with CBLAS entry points, loaded in-process on macOS.
  {
    envName: "ACCELERATE", library: "accelerate", version: "system", threading: "", platform: "darwin", noFileOnDisk: true,
    inProcess: true, candidates: ["/System/Library/Frameworks/Accelerate.framework/Accelerate"],
    variants: [{ cpu: "default", threads: [1], env: {} }],
  },
];
