import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { eigenCacheSizes } from "@chimera/kernels";
import {
  addonStatus, cpuFeatureParents, cpuFromProcCpuinfo, cpuInfo, discoverNativeBackends, parseCpuFeatureOverride, sysfsCaches,
} from "@chimera/native";
import { requireNative, requireOrSkip } from "./require-native.js";

/** The kernel's own view of this CPU (an independent oracle for the addon's CPUID reading). */
function procFlags(): Set<string> {
  return new Set((/^flags\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "").split(/\s+/).map((f) => f === "pni" ? "sse3" : f));
}

describe("CPU detection (cpuid through the addon, CHIMERA_CPU_FEATURES)", () => {
  const noAddon = (ctx: Mocha.Context): void => {
    if (addonStatus().addon) return;
    if (requireNative) throw new Error(`CHIMERA_REQUIRE_NATIVE=1 but ${addonStatus().reason}`);
    console.log(`      skipped: ${addonStatus().reason}`);
    ctx.skip();
  };

  it("reads the same features as /proc/cpuinfo", function () {
    noAddon(this);
    const cpu = cpuInfo({});
    expect(cpu.source).to.equal("cpuid");
    const flags = procFlags();
    expect([...cpu.detected].sort()).to.deep.equal(Object.keys(cpuFeatureParents).filter((f) => flags.has(f)).sort());
    expect(cpu.detected).to.include("sse2");
  });

  it("reads the same caches as sysfs", function () {
    noAddon(this);
    const cpu = cpuInfo({});
    const dir = "/sys/devices/system/cpu/cpu0/cache";
    if (!existsSync(dir)) {
      // Seen on a virtual machine (AMD Zen 5, 2026-12-07) whose hypervisor reports no cache topology: sysfs has no
      // cache folder, lscpu lists no caches, and CPUID's cache leaves are empty too (cpuInfo's caches: []).
      console.log(`      skipped: ${dir} does not exist (this kernel exposes no cache topology; CPUID found ${cpu.caches.length} caches)`);
      return this.skip();
    }
    const sysfs = readdirSync(dir).filter((e) => /^index\d+$/.test(e)).map((e) => {
      const read = (f: string): string => readFileSync(`${dir}/${e}/${f}`, "utf8").trim();
      return `L${read("level")} ${read("type")} ${read("size")}`;
    }).sort();
    const size = (b: number): string => `${b / 1024}K`;
    const ours = cpu.caches.map((c) => `L${c.level} ${c.type[0]!.toUpperCase()}${c.type.slice(1)} ${size(c.bytes)}`).sort();
    expect(ours).to.deep.equal(sysfs);
  });

  it("the fallbacks without the addon (/proc/cpuinfo, sysfs) agree with CPUID", function () {
    noAddon(this);
    const cpu = cpuInfo({}), proc = cpuFromProcCpuinfo()!;
    expect({ vendor: proc.vendor, family: proc.family, model: proc.model }).to.deep.equal({ vendor: cpu.vendor, family: cpu.family, model: cpu.model });
    expect([...proc.features].sort()).to.deep.equal([...cpu.detected].sort());
    const key = (c: { level: number; type: string; bytes: number }): string => `${c.level} ${c.type} ${c.bytes}`;
    expect(sysfsCaches().map(key).sort()).to.deep.equal(cpu.caches.map(key).sort());
  });

  it("reports the cache sizes every real Eigen build reads, and the Eigen emulations use them", function () {
    noAddon(this);
    const sizes = cpuInfo({}).eigenCacheSizes!;
    const c = eigenCacheSizes();
    expect([c.l1, c.l2, c.l3], "the test setup pins CHIMERA_EIGEN_CACHE_SIZES from cpuInfo").to.deep.equal([...sizes]);
    for (const b of discoverNativeBackends().filter((x) => x.library === "eigen")) {
      if (!b.available) { console.log(`      ${b.id} not run here: ${b.reason}`); continue; }
      const k = b.create();
      try {
        expect(k.report.eigenCacheSizes, b.id).to.deep.equal([...sizes]);
      } finally {
        k.dispose();
      }
    }
  });

  it("CHIMERA_CPU_FEATURES hides a feature and its dependents, and refuses to add one", () => {
    const hidden = parseCpuFeatureOverride("-avx512f");
    expect(hidden).to.include.members(["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_bf16"]);
    expect(hidden).to.not.include("avx2");
    expect(parseCpuFeatureOverride("-avx")).to.include.members(["avx", "avx2", "fma", "avx512f"]);
    expect(() => parseCpuFeatureOverride("+avx512f")).to.throw(/can only hide features.*write -avx512f/);
    expect(() => parseCpuFeatureOverride("avx2")).to.throw(/would add a feature/);
    expect(() => parseCpuFeatureOverride("-avx513")).to.throw(/unknown feature "avx513"; known: sse, /);
    expect(() => parseCpuFeatureOverride("-avx2,")).to.throw(/empty item/);
    const cpu = cpuInfo({ CHIMERA_CPU_FEATURES: "-avx512f" });
    expect(cpu.features.some((f) => f.startsWith("avx512"))).to.equal(false);
    expect(cpu.detected.filter((f) => !f.startsWith("avx512"))).to.deep.equal(cpu.features);
  });

  it("without AVX-512, every variant that needs it is unavailable with the reason, before any worker starts", () => {
    const env = { ...process.env, CHIMERA_CPU_FEATURES: "-avx512f" };
    const hasAvx512 = cpuInfo({}).detected.includes("avx512f");
    const all = discoverNativeBackends(env);
    const byId = new Map(all.map((b) => [b.id, b]));
    for (const id of ["openblas-0.3.21-skylakex-serial", "openblas-0.3.21-cooperlake-pthread-t2", "blis-0.9.0-skx-serial",
      "mkl-2020.4-avx512-sequential", "mkl-2020.4-avx512-gnu-t2", "eigen-3.4.0-avx512"]) {
      const b = byId.get(id)!;
      expect(b.available, id).to.equal(false);
      // "(hidden by …)" where the CPU has AVX-512; on one without, the plain "which this CPU lacks".
      expect(b.reason, id).to.match(hasAvx512 ? /needs avx512f.*which this CPU lacks \(hidden by CHIMERA_CPU_FEATURES=-avx512f\)/ : /needs avx512f.*which this CPU lacks/);
      expect(b.cpuReason, id).to.be.a("string");
      expect(() => b.create()).to.throw(new RegExp(`${id}: unavailable: needs avx512f`));
    }
    // Only where the override hides something the CPU has do the libraries' own detections disagree with it.
    if (hasAvx512) {
      for (const id of ["openblas-0.3.21-auto-serial", "blis-0.9.0-auto-serial"]) {
        expect(byId.get(id)!.reason, id).to.match(/own CPU detection still sees them/);
      }
    }
    // What a Zen 3 runs stays as it is: AVX2 kernels, and the variants that need nothing.
    const here = discoverNativeBackends();
    for (const id of ["openblas-0.3.21-haswell-serial", "blis-0.9.0-zen3-serial", "mkl-2020.4-avx2-sequential", "eigen-3.4.0-avx2", "eigen-3.4.0-sse2", "netlib-3.11.0-generic"]) {
      expect(byId.get(id)!.available, id).to.equal(here.find((b) => b.id === id)!.available);
    }
  });

  it("a worker killed by SIGILL is reported by its signal, naming the variant", function () {
    const b = discoverNativeBackends().find((x) => x.id === "openblas-0.3.21-haswell-serial")!;
    requireOrSkip(this, b);
    const k = b.create();
    try {
      process.kill(k.pid, "SIGILL");
      const call = { transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, a: new Float32Array(4), lda: 2, b: new Float32Array(4), ldb: 2, beta: 0, c: new Float32Array(4), ldc: 2 };
      expect(() => k.gemm(call)).to.throw(/was killed by SIGILL: this CPU lacks an instruction that openblas-0\.3\.21-haswell-serial's kernels use/);
    } finally {
      k.dispose();
    }
  });

  for (const id of ["mkl-2020.4-auto-gnu-t2", "mkl-2020.4-avx2-gnu-t2"]) {
    it(`${id}: MKL's GNU threading layer runs at m > 1 on 2 threads (libgomp preloaded), exactly`, function () {
      const b = discoverNativeBackends().find((x) => x.id === id)!;
      requireOrSkip(this, b);
      const k = b.create();
      try {
        expect(k.report.loadedObjects.some((o) => o.endsWith("/libgomp.so.1"))).to.equal(true);
        // Integer operands: every summation order gives the exact product, a float64 sum here.
        const m = 96, n = 64, kk = 48;
        const a = Float32Array.from({ length: m * kk }, (_, i) => ((i * 7) % 17) - 8);
        const bb = Float32Array.from({ length: kk * n }, (_, i) => ((i * 5) % 13) - 6);
        const c = new Float32Array(m * n).fill(NaN);
        k.gemm({ transA: false, transB: false, m, n, k: kk, alpha: 1, a, lda: kk, b: bb, ldb: n, beta: 0, c, ldc: n });
        for (let i = 0; i < m; i += 7) for (let j = 0; j < n; j += 5) {
          let s = 0;
          for (let p = 0; p < kk; p++) s += a[i * kk + p]! * bb[p * n + j]!;
          expect(c[i * n + j], `C[${i},${j}]`).to.equal(s);
        }
        expect(k.report.loadedObjects.some((o) => /libmkl_gnu_thread\.so/.test(o)), "libmkl_gnu_thread loaded").to.equal(true);
      } finally {
        k.dispose();
      }
    });
  }
});
