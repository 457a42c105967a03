import type { EmulationDeclaration } from "../declaration.js";
import { makeEmulatedKernel } from "../emulated-kernel.js";
import type { EmulatedKernel } from "../emulated-kernel.js";
import { netlib } from "./netlib.js";
import { blisGeneric } from "./blis-generic.js";
import { eigenO3 } from "./eigen-o3.js";
import { openblasHaswell } from "./openblas-haswell.js";
import { openblasCooperlake, openblasSkylakex } from "./openblas-avx512.js";
import { mklAvx, mklAvx2, mklAvx512, mklGeneric, mklSse42 } from "./mkl.js";

/** Every library declaration, in the order of issue #4's priorities. */
export const emulatedDeclarations: readonly EmulationDeclaration[] = [netlib, openblasHaswell, openblasSkylakex, openblasCooperlake, blisGeneric, eigenO3, mklGeneric, mklAvx512, mklAvx2, mklSse42, mklAvx];

/** One emulated kernel per declaration (ids `<library>-<version>[-<variant>]`). */
export const emulatedKernels: readonly EmulatedKernel[] = emulatedDeclarations.map(makeEmulatedKernel);
