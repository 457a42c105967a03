import { expect } from "chai";
import { fma32 } from "@chimera/kernels";
import { addonStatus, hardwareFma } from "@chimera/native";
import { hardCases } from "../kernels/fma-cases.js";
import { requireNative } from "./require-native.js";

describe("fma32 against the CPU's FMA instruction (through the native bridge)", () => {
  const n = Number(process.env.CHIMERA_HW_FMA_CASES ?? 10_000_000);

  it(`gives the hardware's bits on ${n} hard cases`, function () {
    const status = addonStatus();
    if (!status.addon) {
      if (requireNative) throw new Error(`CHIMERA_REQUIRE_NATIVE=1 but the addon is unavailable: ${status.reason}`);
      console.log(`      skipped: the native addon is unavailable: ${status.reason}`);
      return this.skip();
    }
    const a = new Float32Array(n), b = new Float32Array(n), c = new Float32Array(n);
    let i = 0;
    for (const [x, y, z] of hardCases(n, 777)) [a[i], b[i], c[i]] = [x, y, z], i++;
    const hw = hardwareFma(a, b, c);
    const bad: string[] = [];
    let naiveWrong = 0;
    for (let j = 0; j < n; j++) {
      const got = fma32(a[j]!, b[j]!, c[j]!), want = hw[j]!;
      if (!Object.is(got, want) && !(Number.isNaN(got) && Number.isNaN(want)) && bad.push(`fma32(${a[j]}, ${b[j]}, ${c[j]}) = ${got}, hardware ${want}`) >= 5) break;
      if (!Object.is(Math.fround(a[j]! * b[j]! + c[j]!), want) && !Number.isNaN(want)) naiveWrong++;
    }
    expect(bad, bad.join("\n")).to.deep.equal([]);
    expect(naiveWrong, "the cases include ones where double rounding fails").to.be.greaterThan(n / 100);
  });
});
