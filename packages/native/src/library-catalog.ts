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
  /**
   * CPU features (Linux /proc/cpuinfo names) the variant's kernels use: on a CPU without them it is
   * unavailable, with the reason, before any worker starts (an AVX-512 kernel dies with SIGILL, or the
   * library silently runs another code path).
   */
  readonly needs?: readonly string[];
  /**
   * For "auto" variants: whether the library's own CPU detection decides what runs on `cpu` (OpenBLAS and
   * BLIS always; MKL only on Intel CPUs, elsewhere it runs libmkl_def whatever the features). Such a
   * variant is unavailable while CHIMERA_CPU_FEATURES hides a feature the CPU has: the library would
   * still see it, and "auto" would not be what it picks on a CPU without it.
   */
  readonly detectsCpu?: (cpu: { readonly vendor: string }) => boolean;
  /** Shared objects the worker preloads (LD_PRELOAD), each required to exist. */
  readonly preload?: readonly string[];
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

/** AVX-512 Foundation plus the subsets Skylake-SP has (what -march=skylake-avx512 kernels may use). */
const AVX512_SKX = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"];
const AVX2_FMA = ["avx", "avx2", "fma"];

// What each core type's kernels need (OpenBLAS kernel/x86_64/KERNEL.<CORE> and Makefile.x86_64 -march
// flags): SkylakeX AVX-512 (dies with SIGILL without it), Cooperlake also AVX512_BF16 (without it
// OpenBLAS silently gives Haswell), Haswell/Zen AVX2 + FMA, Sandybridge AVX, Nehalem SSE4.2.
const openblasNeeds: Record<string, readonly string[]> = {
  haswell: AVX2_FMA, zen: AVX2_FMA, skylakex: [...AVX2_FMA, ...AVX512_SKX], cooperlake: [...AVX2_FMA, ...AVX512_SKX, "avx512_bf16"],
  sandybridge: ["avx"], nehalem: ["sse4_2"],
};

function openblas(threading: string, file: string, cores: string[], threads: number[]): LibraryFile {
  return {
    envName: `OPENBLAS_${threading.toUpperCase()}`, library: "openblas", version: "0.3.21", threading,
    candidates: [`${LIB}/openblas-${threading}/${file}`], inProcess: false,
    variants: ["auto", ...cores].map((cpu): VariantDecl => cpu === "auto"
      ? { cpu, threads, env: {}, detectsCpu: () => true }
      : {
        cpu, threads, env: { OPENBLAS_CORETYPE: openblasCores[cpu]! }, expect: { openblasCorename: openblasCores[cpu]! },
        needs: openblasNeeds[cpu]!,
      }),
  };
}

// BLIS 0.9.0: BLIS_ARCH_TYPE takes the numeric arch_t value (frame/include/bli_type_defs.h); the
// numbers below were read back with bli_arch_string() from Debian's libblis.so.4. A name or an empty
// value parses as 0 (skx), so "auto" leaves the variable unset.
const blisArchIds: Record<string, number> = {
  skx: 0, haswell: 3, sandybridge: 4, penryn: 5, zen3: 6, zen2: 7, zen: 8, generic: 25,
};

// What each configuration needs (frame/base/bli_cpuid.c, bli_cpuid_is_<arch>): skx AVX-512 F/DQ/BW/VL
// (forced on a CPU without, it dies with SIGILL at m > 1), haswell and zen* AVX2 + FMA, sandybridge
// AVX, penryn SSSE3, generic nothing beyond x86-64.
const blisNeeds: Record<string, readonly string[]> = {
  skx: [...AVX2_FMA, "avx512f", "avx512dq", "avx512bw", "avx512vl"], haswell: AVX2_FMA, zen3: AVX2_FMA, zen2: AVX2_FMA,
  zen: AVX2_FMA, sandybridge: ["avx"], penryn: ["sse3", "ssse3"], generic: [],
};

function blis(threading: string, archs: string[], threads: number[]): LibraryFile {
  return {
    envName: `BLIS_${threading.toUpperCase()}`, library: "blis", version: "0.9.0", threading,
    candidates: [`${LIB}/blis-${threading}/libblis.so.4`], inProcess: false,
    variants: ["auto", ...archs].map((cpu): VariantDecl => cpu === "auto"
      ? { cpu, threads, env: {}, detectsCpu: () => true }
      : { cpu, threads, env: { BLIS_ARCH_TYPE: String(blisArchIds[cpu]) }, expect: { blisArch: cpu }, needs: blisNeeds[cpu]! }),
  };
}

// MKL 2020.4 (Debian libmkl-rt): on a non-Intel CPU it runs libmkl_def whatever it is told; with the
// Intel-path preload, MKL_ENABLE_INSTRUCTIONS picks libmkl_mc3 / _avx / _avx2 / _avx512.
// `needs`: on a CPU without them MKL loads a lower path (avx512 → libmkl_avx2) and the expectation fails.
const mklPaths: Record<string, { isa: string; lib: string; needs: readonly string[] }> = {
  sse42: { isa: "SSE4_2", lib: "mc3", needs: ["sse4_2"] }, avx: { isa: "AVX", lib: "avx", needs: ["avx"] },
  avx2: { isa: "AVX2", lib: "avx2", needs: AVX2_FMA }, avx512: { isa: "AVX512", lib: "avx512", needs: [...AVX2_FMA, ...AVX512_SKX] },
};

/**
 * GNU OpenMP: MKL's GNU threading layer (libmkl_gnu_thread.so) calls omp_* but does not link libgomp, so
 * without it loaded first the first threaded call dies ("undefined symbol: omp_get_num_procs").
 * Debian package libgomp1.
 */
export const LIBGOMP = `${LIB}/libgomp.so.1`;

function mkl(threading: "sequential" | "gnu", paths: string[], threads: number[]): LibraryFile {
  const layer = { MKL_THREADING_LAYER: threading === "gnu" ? "GNU" : "SEQUENTIAL" };
  const preload = threading === "gnu" ? { preload: [LIBGOMP] } : {};
  return {
    envName: "MKL", library: "mkl", version: "2020.4", threading, candidates: [`${LIB}/libmkl_rt.so`],
    inProcess: false,
    variants: ["auto", ...paths].map((cpu): VariantDecl => cpu === "auto"
      ? { cpu, threads, env: layer, ...preload, detectsCpu: (c) => c.vendor === "GenuineIntel" }
      : {
        cpu, threads, env: { ...layer, MKL_ENABLE_INSTRUCTIONS: mklPaths[cpu]!.isa }, preloadMklIntelPath: true,
        expect: { mklPath: mklPaths[cpu]!.lib }, needs: mklPaths[cpu]!.needs, ...preload,
      }),
  };
}

/** One variant, one thread, nothing to set: the file may be loaded in-process. */
function single(envName: string, library: string, version: string, cpu: string, candidates: string[], needs: readonly string[] = []): LibraryFile {
  return {
    envName, library, version, threading: "", candidates, inProcess: true,
    variants: [{ cpu, threads: [1], env: {}, needs }],
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
  // Eigen 3.4.0 compiled by this package (csrc/eigen-cblas.cc), once per explicit ISA (binding.gyp):
  // -O3 (SSE2), -O3 -mavx2 -mfma, -O3 -mavx512f -mavx512dq -mavx512vl -mavx512bw -mfma. The CPU decides
  // which can run; the build is the same on every machine, so the id says what it is.
  single("EIGEN_SSE2", "eigen", "3.4.0", "sse2", [buildProduct("chimera_eigen_sse2")], ["sse2"]),
  single("EIGEN_AVX2", "eigen", "3.4.0", "avx2", [buildProduct("chimera_eigen_avx2")], AVX2_FMA),
  single("EIGEN_AVX512", "eigen", "3.4.0", "avx512", [buildProduct("chimera_eigen_avx512")],
    [...AVX2_FMA, "avx512f", "avx512dq", "avx512vl", "avx512bw"]),
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
