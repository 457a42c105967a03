import type { EmulationDeclaration } from "../declaration.js";
import { makeEmulatedKernel } from "../emulated-kernel.js";
import type { EmulatedKernel } from "../emulated-kernel.js";
import { netlib } from "./netlib.js";
import { blisGeneric } from "./blis-generic.js";
import { blisHaswell, blisSkx, blisZen, blisZen2, blisZen3 } from "./blis-x86.js";
import { blisPenryn, blisSandybridge } from "./blis-sse-avx.js";
import { eigenAvx2, eigenAvx512, eigenSse2 } from "./eigen.js";
import { atlas } from "./atlas.js";
import { openblasHaswell } from "./openblas-haswell.js";
import { openblasNehalem, openblasSandybridge, openblasZen } from "./openblas-x86-other.js";
import { openblasCooperlake, openblasSkylakex } from "./openblas-avx512.js";
import { cublas } from "./cublas.js";
import { accelerate } from "./accelerate.js";
import { mklGeneric } from "./mkl-generic.js";
import { mklAvx512 } from "./mkl-avx512.js";
import { mklAvx2 } from "./mkl-avx2.js";
import { mklAvx, mklSse42 } from "./mkl-sse.js";

/** Every library declaration, in the order of issue #4's priorities (the unverified GPU/Apple ones last). */
export const emulatedDeclarations: readonly EmulationDeclaration[] = [
  netlib, openblasHaswell, openblasSkylakex, openblasCooperlake, blisGeneric, eigenSse2, eigenAvx512, eigenAvx2, atlas, blisZen3, blisHaswell, blisSkx,
  blisZen2, blisZen, blisSandybridge, blisPenryn, openblasZen, openblasSandybridge, openblasNehalem,
  mklGeneric, mklAvx512, mklAvx2, mklSse42, mklAvx, cublas, accelerate,
];

/** One emulated kernel per declaration (ids `<library>-<version>[-<variant>]`). */
export const emulatedKernels: readonly EmulatedKernel[] = emulatedDeclarations.map(makeEmulatedKernel);

/** The cache sizes the Eigen emulations block with (CHIMERA_EIGEN_CACHE_SIZES, see eigen.ts). */
export { eigenCacheSizes } from "./eigen.js";
