/*
 * MKL's measured orders, each defined in its own file under orders/ (MKL is closed source: every rule
 * there is an observation of the order probe, not a reading). Re-exported here for libraries/mkl-*.ts.
 */
export type { MklSseAccumulation } from "./orders/mkl-sse.js";
export type { MklAvx512DotAccumulation } from "./orders/mkl-avx512-dot.js";
export type { MklAvx512Axpy8Accumulation } from "./orders/mkl-avx512-axpy8.js";
export type { MklAvx2DotAccumulation } from "./orders/mkl-avx2-dot.js";
export type { MklAvx2PairDotAccumulation } from "./orders/mkl-avx2-pair-dot.js";
export type { MklAvx512HornerAccumulation } from "./orders/mkl-avx512-horner.js";
export type { MklSdotAccumulation } from "./orders/mkl-sdot.js";
export type { MklEvenOddAccumulation } from "./orders/merged-pair.js";
export type { MklHalveOnceSplit } from "./k-split.js";
