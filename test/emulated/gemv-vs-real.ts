import { expect } from "chai";
import { emulatedKernels, type GemvCall } from "@chimera/kernels";
import type { NativeBackend } from "@chimera/native";
import { requireOrSkip } from "../native/require-native.js";

/** A gemv call made afresh for each side (each mutates its own y), and what to call it in a failure. */
export interface GemvCase { readonly what: string; readonly call: () => GemvCall }

/** The rows of y where two results differ (NaNs equal whatever their payload). */
function differing(a: Float32Array, b: Float32Array): number[] {
  const out: number[] = [];
  for (let r = 0; r < a.length; r++) if (!Object.is(a[r], b[r]) && !(Number.isNaN(a[r]!) && Number.isNaN(b[r]!))) out.push(r);
  return out;
}

/**
 * Holds emulation `emulatedId` to its real library `realId` on every case, bit for bit (the test is pending, with
 * the reason, where the library cannot run here): one failure lists every call whose y differs, with its rows.
 */
export function expectGemvLikeReal(ctx: Mocha.Context, natives: readonly NativeBackend[], emulatedId: string, realId: string, cases: readonly GemvCase[]): void {
  const backend = natives.find((b) => b.id === realId);
  expect(backend, `${realId} is in the native catalog`).to.not.equal(undefined);
  requireOrSkip(ctx, backend!);
  const emulated = emulatedKernels.find((k) => k.info.id === emulatedId)!;
  const real = backend!.create();
  try {
    const failing: string[] = [];
    for (const c of cases) {
      const mine = c.call(), theirs = c.call();
      emulated.gemv(mine);
      real.gemv(theirs);
      const rows = differing(mine.y, theirs.y);
      if (rows.length > 0) failing.push(`${c.what}: y[${rows.slice(0, 8).join(", ")}${rows.length > 8 ? ", …" : ""}] differ`);
    }
    expect(failing, failing.join("\n")).to.deep.equal([]);
  } finally {
    real.dispose();
  }
}
