/**
 * The cache sizes Eigen queries at run time (Memory.h queryCacheSizes through CPUID, read once by
 * manage_caching_sizes): kc/mc/nc, and thus the bits of large products, follow them, so the emulation
 * must use the values of the machine whose Eigen it stands for. `CHIMERA_EIGEN_CACHE_SIZES=l1,l2,l3`
 * (bytes) gives them; the chimera CLI and the test suite set it from this CPU (@chimera/native
 * cpuInfo().eigenCacheSizes, the same CPUID leaves Eigen reads, held equal to what the real builds
 * report by test/native/cpu-features.test.ts). Unset (no native addon), the values of our machines
 * (AMD EPYC Zen 4 and Zen 5 VMs): l1 = 32768, l2 = 1048576, l3 = 335544320 (AMD's legacy leaf read with
 * Eigen's mask).
 */
export function eigenCacheSizes(env: NodeJS.ProcessEnv = process.env): { readonly l1: number; readonly l2: number; readonly l3: number } {
  const text = env.CHIMERA_EIGEN_CACHE_SIZES;
  if (text === undefined) return { l1: 32768, l2: 1048576, l3: 335544320 };
  const v = text.split(",").map(Number);
  if (v.length !== 3 || !v.every((x) => Number.isInteger(x) && x > 0)) {
    throw new Error(`CHIMERA_EIGEN_CACHE_SIZES="${text}": expected three positive byte counts l1,l2,l3 (e.g. 32768,1048576,33554432)`);
  }
  return { l1: v[0]!, l2: v[1]!, l3: v[2]! };
}
/** gebp_traits<float,float>::nr (GeneralBlockPanelKernel.h @ 3.4.0). */
export const NR = 4;
/** gebp_kernel's k peeling (enum { pk = 8 }) and the heuristic's k_peeling. */
export const PK = 8;
/** evaluateProductBlockingSizesHeuristic's actual_l2 (a fixed 1.5 MB, GeneralBlockPanelKernel.h @ 3.4.0). */
const ACTUAL_L2 = 1572864;
const F32 = 4;

/**
 * kc, mc, nc for an M×N×K product (library coordinates), the single-threaded branch of
 * evaluateProductBlockingSizesHeuristic (GeneralBlockPanelKernel.h @ 3.4.0) with KcFactor = 1, as
 * gemm_blocking_space calls it (l3_blocking = true). Written from the header's description; checked
 * against the header's own computeProductBlockingSizes on this machine's cache sizes.
 */
export function eigenBlocking(M: number, N: number, K: number, mr: number, l1Factor: number, cache = eigenCacheSizes()): { kc: number; mc: number; nc: number } {
  let k = K, m = M, n = N;
  if (Math.max(k, m, n) < 48) return { kc: k, mc: m, nc: n };
  const l1 = cache.l1 * l1Factor, l2 = cache.l2, l3 = cache.l3;
  const kDiv = mr * F32 + NR * F32, kSub = mr * NR * F32;
  const maxKc = Math.max(Math.floor((l1 - kSub) / kDiv) & ~(PK - 1), 1);
  const oldK = k;
  if (k > maxKc) {
    k = k % maxKc === 0 ? maxKc : maxKc - PK * Math.floor((maxKc - 1 - (k % maxKc)) / (PK * (Math.floor(k / maxKc) + 1)));
  }
  const remainingL1 = l1 - kSub - m * k * F32;
  const maxNc = remainingL1 >= NR * F32 * k ? Math.floor(remainingL1 / (k * F32)) : Math.floor((3 * ACTUAL_L2) / (2 * 2 * maxKc * F32));
  const nc = Math.min(Math.floor(ACTUAL_L2 / (2 * k * F32)), maxNc) & ~(NR - 1);
  if (n > nc) {
    n = n % nc === 0 ? nc : nc - NR * Math.floor((nc - (n % nc)) / (NR * (Math.floor(n / nc) + 1)));
  } else if (oldK === k) {
    const problem = k * n * F32;
    let lm = ACTUAL_L2, maxMc = m;
    if (problem <= 1024) lm = l1;
    else if (l3 !== 0 && problem <= 32768) {
      lm = l2;
      maxMc = Math.min(576, maxMc);
    }
    let mc = Math.min(Math.floor(lm / (3 * k * F32)), maxMc);
    if (mc > mr) mc -= mc % mr;
    else if (mc === 0) return { kc: k, mc: m, nc: n };
    m = m % mc === 0 ? mc : mc - mr * Math.floor((mc - (m % mc)) / (mr * (Math.floor(m / mc) + 1)));
  }
  return { kc: k, mc: m, nc: n };
}
