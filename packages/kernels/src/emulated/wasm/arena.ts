/*
 * The WebAssembly memory the SIMD kernels work in, and the switch that turns them off.
 *
 * A kernel reads only its own memory, so the five loops copy each call's two packed operands into it once
 * (whole panels, not tiles: a copy per tile would cost about (rows + cols)/(rows·cols) of the work) and
 * keep the block sums there; tileSums then recognises operands that live in this memory and runs the
 * generated kernel on them, every other order or operand going through the JavaScript path unchanged.
 *
 * CHIMERA_WASM=0 in the environment (read once, at load) forces the JavaScript path; so does a runtime
 * without WebAssembly SIMD. setWasmEnabled overrides both ways for tests (never on where SIMD is missing).
 */

import { FunctionWriter, ModuleBuilder, Simd } from "./module-builder.js";

const PAGE = 65536;

/** The parts of the WebAssembly JavaScript API used here (the project's type libraries do not declare it). */
export interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  readonly Memory: new (descriptor: { initial: number }) => WasmMemory;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}
/** The runtime's WebAssembly, if it has one. */
export const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** Whether this runtime validates a module with one SIMD instruction (v128.const; drop). */
function simdSupported(): boolean {
  const W = wasmApi;
  if (W === undefined || typeof W.validate !== "function") return false;
  const fn = new FunctionWriter([], undefined);
  fn.simd(Simd.const, ...new Array<number>(16).fill(0)).op(0x1a); // v128.const 0; drop
  const m = new ModuleBuilder();
  m.add("probe", fn);
  const probe = m.bytes();
  try { return W.validate(probe); } catch { return false; }
}

const envFlag = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.CHIMERA_WASM;
if (envFlag !== undefined && envFlag !== "0" && envFlag !== "1") {
  throw new Error(`CHIMERA_WASM=${JSON.stringify(envFlag)}: expected 0 (JavaScript kernels only) or 1 (WebAssembly SIMD where available)`);
}
/** Whether the runtime has WebAssembly SIMD. */
export const wasmAvailable = simdSupported();
let enabled = wasmAvailable && envFlag !== "0";

/** Whether the emulations run their generated WebAssembly kernels (see the file comment). */
export function wasmEnabled(): boolean { return enabled; }

/** Turns the WebAssembly kernels on or off (tests compare both paths); returns the previous setting. */
export function setWasmEnabled(on: boolean): boolean {
  if (on && !wasmAvailable) throw new Error("setWasmEnabled(true): this runtime has no WebAssembly SIMD");
  const was = enabled;
  enabled = on;
  return was;
}

let memory: WasmMemory | undefined;
let f32View = new Float32Array(0);

/** The kernels' shared memory (created on first use). */
export function arenaMemory(): WasmMemory {
  if (wasmApi === undefined) throw new Error("the WebAssembly kernels' memory: this runtime has no WebAssembly");
  memory ??= new wasmApi.Memory({ initial: 16 });
  return memory;
}

/** Grows the memory to at least `bytes` (contents kept; views made before a growth are detached). */
export function reserveArena(bytes: number): void {
  const mem = arenaMemory();
  const have = mem.buffer.byteLength;
  if (bytes > have) mem.grow(Math.ceil((bytes - have) / PAGE));
}

/** A Float32Array over the whole memory (current after any growth). */
export function arenaF32(): Float32Array {
  const buf = arenaMemory().buffer;
  if (f32View.buffer !== buf) f32View = new Float32Array(buf);
  return f32View;
}

/** Whether an array is a view of the kernels' memory. */
export function inArena(x: ArrayBufferView): boolean {
  return memory !== undefined && x.buffer === memory.buffer;
}

/** V8's flag setter where the runtime offers it (Node's v8 module through process.getBuiltinModule). */
const v8Flags = (globalThis as { process?: { getBuiltinModule?: (id: string) => { setFlagsFromString?: (flags: string) => void } | undefined } })
  .process?.getBuiltinModule?.("node:v8")?.setFlagsFromString;

/**
 * Compiles a module with V8's optimising compiler from the start. V8 first runs WebAssembly through its
 * baseline compiler (Liftoff) and tiers a function up only after some calls; a kernel is one long loop
 * over many v128 locals, which Liftoff keeps on the stack (measured 10 to 30 times slower), and a call
 * that runs it never tiers up in place. So Liftoff is switched off for this compilation only and back on
 * after it (the flag is read when the module is compiled). Elsewhere the module compiles as the runtime does.
 */
export function optimisedModule(bytes: Uint8Array): object {
  if (v8Flags === undefined) return new wasmApi!.Module(bytes);
  v8Flags("--no-liftoff");
  try { return new wasmApi!.Module(bytes); } finally { v8Flags("--liftoff"); }
}
