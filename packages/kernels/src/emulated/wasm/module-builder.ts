/*
 * A small WebAssembly binary writer, enough for the emulation's SIMD kernels: one module of functions
 * over one imported memory ("env"."memory"), each function exported by name. No toolchain: the bytes
 * are written here (the binary format of the WebAssembly core specification, with the fixed-width SIMD
 * proposal's 0xFD-prefixed instructions), and WebAssembly.validate checks them before compiling.
 */

/** Value types. */
export const I32 = 0x7f, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`uleb: ${n} is not a u32`);
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of an i32. */
export function sleb(n: number): number[] {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new Error(`sleb: ${n} is not an i32`);
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) { out.push(byte); return out; }
    out.push(byte | 0x80);
  }
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** A function body being written: locals by name, instructions appended as bytes. */
export class FunctionWriter {
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];
  private readonly index = new Map<string, number>();
  constructor(readonly params: readonly (readonly [string, ValType])[], readonly result: ValType | undefined) {
    params.forEach(([n], i) => this.index.set(n, i));
  }
  /** Declares a local (once per name) and returns its name. */
  local(n: string, type: ValType): string {
    if (this.index.has(n)) throw new Error(`wasm function: local "${n}" declared twice`);
    this.index.set(n, this.params.length + this.locals.length);
    this.locals.push(type);
    return n;
  }
  private idx(n: string): number {
    const i = this.index.get(n);
    if (i === undefined) throw new Error(`wasm function: no local "${n}"`);
    return i;
  }
  op(...bytes: number[]): this { this.code.push(...bytes); return this; }
  get(n: string): this { return this.op(0x20, ...uleb(this.idx(n))); }
  set(n: string): this { return this.op(0x21, ...uleb(this.idx(n))); }
  tee(n: string): this { return this.op(0x22, ...uleb(this.idx(n))); }
  i32(c: number): this { return this.op(0x41, ...sleb(c)); }
  /** A 0xFD-prefixed SIMD instruction. */
  simd(opcode: number, ...imm: number[]): this { return this.op(0xfd, ...uleb(opcode), ...imm); }
  /** A SIMD memory instruction with its memarg (alignment hint 0, a byte offset). */
  simdMem(opcode: number, offset: number, ...lane: number[]): this { return this.simd(opcode, 0, ...uleb(offset), ...lane); }
  /** A scalar memory instruction with its memarg. */
  mem(opcode: number, offset: number): this { return this.op(opcode, 0, ...uleb(offset)); }
  /** The encoded body: locals (run-length groups) then the code and `end`. */
  body(): number[] {
    const groups: number[][] = [];
    for (const t of this.locals) {
      const last = groups[groups.length - 1];
      if (last !== undefined && last[1] === t) last[0]!++;
      else groups.push([1, t]);
    }
    const b = [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n!), t!]), ...this.code, 0x0b];
    return [...uleb(b.length), ...b];
  }
}

/** Opcodes used by the kernels (core, then SIMD after the 0xFD prefix). */
export const Op = {
  block: 0x02, loop: 0x03, if: 0x04, end: 0x0b, br: 0x0c, brIf: 0x0d, return: 0x0f, void: 0x40,
  f32Load: 0x2a, f64Load: 0x2b, f64Store: 0x39,
  i32Eqz: 0x45, i32GeS: 0x4e, i32GeU: 0x4f, i32LtS: 0x48, i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32And: 0x71,
  f32DemoteF64: 0xb6,
} as const;
export const Simd = {
  load: 0x00, load32Splat: 0x09, load64Splat: 0x0a, store: 0x0b, const: 0x0c, shuffle: 0x0d,
  i32x4Splat: 0x11, i32x4ExtractLane: 0x1b, f32x4Splat: 0x13, f32x4ExtractLane: 0x1f, f32x4ReplaceLane: 0x20, f64x2ExtractLane: 0x21, f64x2ReplaceLane: 0x22,
  i32x4Eq: 0x37, f64x2Ne: 0x48, and: 0x4e, or: 0x50, anyTrue: 0x53,
  f32x4DemoteF64x2Zero: 0x5e, f64x2PromoteLowF32x4: 0x5f,
  i32x4Sub: 0xb1, i32x4MinU: 0xb7, i64x2Eq: 0xd6, f32x4Add: 0xe4, f32x4Mul: 0xe6, f64x2Add: 0xf0, f64x2Mul: 0xf2,
} as const;

/** A module: functions over an imported memory, each exported under its name. */
export class ModuleBuilder {
  private readonly functions: { name: string; fn: FunctionWriter }[] = [];
  add(n: string, fn: FunctionWriter): void { this.functions.push({ name: n, fn }); }
  bytes(): Uint8Array {
    const fns = this.functions;
    const types = fns.map(({ fn }) => [0x60, ...uleb(fn.params.length), ...fn.params.map(([, t]) => t), ...(fn.result === undefined ? [0] : [1, fn.result])]);
    const out = [
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      ...section(1, [...uleb(types.length), ...types.flat()]),
      // import "env" "memory" (memory, min 1 page, no maximum)
      ...section(2, [...uleb(1), ...name("env"), ...name("memory"), 0x02, 0x00, ...uleb(1)]),
      ...section(3, [...uleb(fns.length), ...fns.flatMap((_, i) => uleb(i))]),
      ...section(7, [...uleb(fns.length), ...fns.flatMap(({ name: n }, i) => [...name(n), 0x00, ...uleb(i)])]),
      ...section(10, [...uleb(fns.length), ...fns.flatMap(({ fn }) => fn.body())]),
    ];
    return Uint8Array.from(out);
  }
}
