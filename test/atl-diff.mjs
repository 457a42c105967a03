import { emulatedKernels, fidelityCall } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
const [m, n, k, ta, tb, beta] = process.argv.slice(2);
const real = discoverNativeBackends().find((b) => b.id === "atlas-3.10.3-base").create();
const emu = emulatedKernels.find((x) => x.info.id === "atlas-3.10.3");
const c = { name: "x", transA: ta === "T", transB: tb === "T", m: +m, n: +n, k: +k, alpha: 1, beta: +beta, pad: 0, seed: 5 };
const x = fidelityCall(c), y = fidelityCall(c);
emu.gemm(x); real.gemm(y);
const cat = {};
for (let i = 0; i < c.m; i++) for (let j = 0; j < c.n; j++) {
  const key = `M(j)blk${Math.floor(j / 48)} N(i)blk${Math.floor(i / 48)}`;
  cat[key] ??= [0, 0]; cat[key][1]++;
  if (!Object.is(x.c[i * x.ldc + j], y.c[i * y.ldc + j])) cat[key][0]++;
}
const out = Object.entries(cat).filter(([, [b]]) => b > 0).map(([key, [bad, tot]]) => `${key}: ${bad}/${tot}`);
console.log(out.length ? out.join("\n") : "all equal");
real.dispose();
