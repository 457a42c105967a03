import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { addonStatus } from "./addon.js";

/** One cache of the first core (bytes per instance: L2 per core, L3 per group of cores sharing it). */
export interface CpuCache {
  readonly level: number;
  readonly type: "data" | "instruction" | "unified";
  readonly bytes: number;
}

/** What this CPU can run, as the bridge decides which variants are available. */
export interface CpuInfo {
  readonly vendor: string;
  readonly family: number;
  readonly model: number;
  /** The features variants are checked against: the CPU's, minus those CHIMERA_CPU_FEATURES hides. */
  readonly features: readonly string[];
  /** What the CPU (and the OS's saved register state) really supports. */
  readonly detected: readonly string[];
  /** Features CHIMERA_CPU_FEATURES hides (with their dependents) that the CPU has; empty without the override. */
  readonly hidden: readonly string[];
  /** The CHIMERA_CPU_FEATURES value, when set. */
  readonly override?: string;
  /** "cpuid" through the addon, or "/proc/cpuinfo" when the addon is not built. */
  readonly source: "cpuid" | "/proc/cpuinfo" | "none";
  readonly caches: readonly CpuCache[];
  readonly cacheSource: "cpuid" | "sysfs" | "none";
  /** l1, l2, l3 bytes as Eigen 3.4 queries them (CPUID, Memory.h queryCacheSizes); absent without the addon. */
  readonly eigenCacheSizes?: readonly [number, number, number];
  has(feature: string): boolean;
}

/**
 * Every feature name the detection knows (Linux /proc/cpuinfo spelling), each with the feature it
 * builds on: hiding one hides everything that depends on it (hiding avx512f hides every avx512*,
 * hiding avx hides avx2, fma, f16c and AVX-512), as no real CPU has the dependent without its base.
 */
export const cpuFeatureParents: Readonly<Record<string, string | undefined>> = {
  sse: undefined, sse2: "sse", sse3: "sse2", ssse3: "sse3", sse4_1: "ssse3", sse4_2: "sse4_1", popcnt: undefined,
  avx: "sse4_2", f16c: "avx", fma: "avx", avx2: "avx", bmi1: undefined, bmi2: undefined, avx_vnni: "avx2",
  avx512f: "avx2", avx512dq: "avx512f", avx512ifma: "avx512f", avx512cd: "avx512f", avx512bw: "avx512f",
  avx512vl: "avx512f", avx512vbmi: "avx512f", avx512_vbmi2: "avx512f", avx512_vnni: "avx512f",
  avx512_bitalg: "avx512f", avx512_vpopcntdq: "avx512f", avx512_fp16: "avx512f", avx512_bf16: "avx512f",
};

/** `name` and every known feature that (transitively) builds on it. */
function withDependents(name: string): string[] {
  const out = new Set([name]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [f, parent] of Object.entries(cpuFeatureParents)) {
      if (parent !== undefined && out.has(parent) && !out.has(f)) { out.add(f); grew = true; }
    }
  }
  return [...out];
}

/**
 * The features `CHIMERA_CPU_FEATURES` hides: a comma-separated list of `-name` (e.g. `-avx512f`), each a
 * known feature, hidden with its dependents. It can only hide: a library told it may use a feature the
 * CPU lacks would crash, so `+name` or a bare name is an error, as is an unknown or empty name.
 */
export function parseCpuFeatureOverride(text: string): string[] {
  const hidden = new Set<string>();
  const items = text.split(",").map((s) => s.trim());
  for (const item of items) {
    if (item === "") throw new Error(`CHIMERA_CPU_FEATURES="${text}": empty item; expected a comma-separated list like -avx512f,-avx2`);
    if (!item.startsWith("-")) {
      throw new Error(`CHIMERA_CPU_FEATURES="${text}": "${item}" would add a feature, but the override can only hide ` +
        `features the CPU has (write -${item.replace(/^\+/, "")}); a library told it may use an instruction the CPU lacks crashes`);
    }
    const name = item.slice(1);
    if (!(name in cpuFeatureParents)) {
      throw new Error(`CHIMERA_CPU_FEATURES="${text}": unknown feature "${name}"; known: ${Object.keys(cpuFeatureParents).join(", ")}`);
    }
    for (const f of withDependents(name)) hidden.add(f);
  }
  return [...hidden];
}

interface RawCpu { vendor: string; family: number; model: number; features: string[]; caches: CpuCache[]; eigenCaches?: number[] }

/** The fallback without the addon: vendor, family, model and features from /proc/cpuinfo (undefined when unreadable). */
export function cpuFromProcCpuinfo(): { vendor: string; family: number; model: number; features: string[] } | undefined {
  return fromProcCpuinfo();
}

function fromProcCpuinfo(): RawCpu | undefined {
  let text: string;
  try { text = readFileSync("/proc/cpuinfo", "utf8"); } catch { return undefined; }
  const field = (name: string): string | undefined => new RegExp(`^${name}\\s*:\\s*(.*)$`, "m").exec(text)?.[1];
  const flags = new Set((field("flags") ?? "").split(/\s+/).map((f) => f === "pni" ? "sse3" : f)); // Linux calls SSE3 "pni"
  // /proc/cpuinfo already lists only what the kernel enabled (no avx512* when it does not save their state).
  return {
    vendor: field("vendor_id") ?? "", family: Number(field("cpu family") ?? 0), model: Number(field("model") ?? 0),
    features: Object.keys(cpuFeatureParents).filter((f) => flags.has(f)), caches: [],
  };
}

/** The fallback for caches: cpu0's caches from /sys/devices/system/cpu/cpu0/cache (empty when unreadable). */
export function sysfsCaches(): CpuCache[] {
  const dir = "/sys/devices/system/cpu/cpu0/cache";
  const out: CpuCache[] = [];
  let entries: string[];
  try { entries = readdirSync(dir).filter((e) => /^index\d+$/.test(e)).sort(); } catch { return out; }
  for (const e of entries) {
    try {
      const read = (f: string): string => readFileSync(join(dir, e, f), "utf8").trim();
      const size = /^(\d+)([KMG]?)$/.exec(read("size"));
      if (!size) continue;
      const unit = { "": 1, K: 1024, M: 1 << 20, G: 1 << 30 }[size[2] as "" | "K" | "M" | "G"];
      const type = read("type").toLowerCase();
      out.push({ level: Number(read("level")), type: type === "instruction" ? "instruction" : type === "data" ? "data" : "unified", bytes: Number(size[1]) * unit });
    } catch { /* an unreadable entry is left out */ }
  }
  return out;
}

let cached: { key: string; info: CpuInfo } | undefined;

/**
 * This CPU: features through CPUID + XGETBV in the addon (else /proc/cpuinfo), caches through CPUID
 * leaf 4 / 0x8000001D (else sysfs), minus what `env.CHIMERA_CPU_FEATURES` hides. Throws on a malformed
 * override (see parseCpuFeatureOverride). Computed once per override value.
 */
export function cpuInfo(env: NodeJS.ProcessEnv = process.env): CpuInfo {
  const key = env.CHIMERA_CPU_FEATURES ?? "";
  if (cached?.key === key) return cached.info;
  const hidden = env.CHIMERA_CPU_FEATURES === undefined ? [] : parseCpuFeatureOverride(env.CHIMERA_CPU_FEATURES);
  const addon = addonStatus().addon;
  const raw: RawCpu | undefined = addon ? addon.cpuFeatures() : fromProcCpuinfo();
  const source = addon ? "cpuid" : raw ? "/proc/cpuinfo" : "none";
  const detected = raw?.features ?? [];
  const hiddenHere = hidden.filter((f) => detected.includes(f));
  const features = detected.filter((f) => !hidden.includes(f));
  let caches = raw?.caches ?? [];
  let cacheSource: CpuInfo["cacheSource"] = caches.length ? "cpuid" : "none";
  if (!caches.length) {
    caches = sysfsCaches();
    if (caches.length) cacheSource = "sysfs";
  }
  const e = raw?.eigenCaches;
  const info: CpuInfo = {
    vendor: raw?.vendor ?? "", family: raw?.family ?? 0, model: raw?.model ?? 0, features, detected, hidden: hiddenHere,
    ...(env.CHIMERA_CPU_FEATURES !== undefined ? { override: env.CHIMERA_CPU_FEATURES } : {}),
    source, caches, cacheSource,
    ...(e && e.length === 3 ? { eigenCacheSizes: [e[0]!, e[1]!, e[2]!] as const } : {}),
    has: (f: string) => features.includes(f),
  };
  cached = { key, info };
  return info;
}

/** "L1d 32 KiB, L1i 32 KiB, L2 1 MiB, L3 32 MiB": the caches in one line. */
export function describeCaches(caches: readonly CpuCache[]): string {
  const size = (b: number): string => b % (1 << 20) === 0 ? `${b / (1 << 20)} MiB` : `${b / 1024} KiB`;
  const suffix = { data: "d", instruction: "i", unified: "" } as const;
  return caches.map((c) => `L${c.level}${suffix[c.type]} ${size(c.bytes)}`).join(", ");
}

/**
 * Sets `CHIMERA_EIGEN_CACHE_SIZES` (read by the Eigen emulations in @chimera/kernels) to the cache sizes
 * Eigen reads on this CPU, unless it is already set or the addon cannot tell; returns the value in
 * effect (or undefined). Called once by the composition roots (the chimera CLI, the test setup) so the
 * emulation blocks kc/mc/nc exactly as the real Eigen on this machine does; worker threads and child
 * processes inherit it.
 */
export function pinEigenCacheSizes(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHIMERA_EIGEN_CACHE_SIZES !== undefined) return env.CHIMERA_EIGEN_CACHE_SIZES;
  const sizes = cpuInfo(env).eigenCacheSizes;
  if (!sizes || !sizes.every((x) => x > 0)) return undefined; // Eigen falls back to its defaults; so does the emulation
  env.CHIMERA_EIGEN_CACHE_SIZES = sizes.join(",");
  return env.CHIMERA_EIGEN_CACHE_SIZES;
}
