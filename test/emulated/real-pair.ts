import { expect } from "chai";
import { emulatedKernels, type Kernel } from "@chimera/kernels";
import type { NativeBackend } from "@chimera/native";
import { fidelityPairs, pairedBackend } from "@chimera/lab";
import { requireOrSkip } from "../native/require-native.js";

/**
 * Runs `check` on emulation `id` and the real library it models (created here and disposed after); the test is
 * pending, with the reason, where that library or its code path cannot run on this machine (requireOrSkip).
 */
export function withRealPair(ctx: Mocha.Context, natives: readonly NativeBackend[], id: string, check: (emulated: Kernel, real: Kernel) => void): void {
  const realId = fidelityPairs[id]!;
  const backend = pairedBackend(natives, realId);
  expect(backend, `${realId} is in the native catalog`).to.not.equal(undefined);
  requireOrSkip(ctx, backend!);
  const emulated = emulatedKernels.find((k) => k.info.id === id);
  expect(emulated, `${id} is an emulation`).to.not.equal(undefined);
  const real = backend!.create();
  try {
    check(emulated!, real);
  } finally {
    real.dispose();
  }
}
