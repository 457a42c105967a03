import type { DotCall, GemmCall, GemvCall } from "@chimera/kernels";

/** One call with one or more fields replaced by garbage, and the names its error may give. */
export interface BadCall {
  op: "gemm" | "gemv" | "dot";
  call: unknown;
  /** What was broken, for the failure message. */
  what: string;
  /** The error message must name one of these (case-insensitive, whole word). */
  names: string[];
}

const dimGarbage: unknown[] = [-1, 1.5, NaN, Infinity, undefined, null, "3", 2 ** 31, true, {}, -0.5, 1e20];
const ldGarbage: unknown[] = [0, -1, 2.5, NaN, undefined, "4", 2 ** 31, 2 ** 30, 1e9];
const offsetGarbage: unknown[] = [-1, 0.5, NaN, "1", 2 ** 31, 1e9, Infinity, 99];
const scalarGarbage: unknown[] = [NaN, undefined, "1", null, 1e300, 0.1, {}, 1n];
const arrayGarbage: unknown[] = [undefined, null, [1, 2], new Float64Array(64), "x", new Float32Array(0), new Int32Array(64), 7, {}];
const boolGarbage: unknown[] = [0, 1, "true", undefined, null, {}];

/** The error names a field may be reported under (an offset or ld that overruns names the matrix). */
function namesFor(field: string): string[] {
  const matrix: Record<string, string> = {
    a: "A", b: "B", c: "C", aOffset: "A", bOffset: "B", cOffset: "C", lda: "A", ldb: "B", ldc: "C",
    x: "x", y: "y", xOffset: "x", yOffset: "y", incx: "x", incy: "y",
  };
  return matrix[field] ? [field, matrix[field]!] : [field];
}

function garbageFor(field: string): unknown[] {
  if (/^(transA|transB)$/.test(field)) return boolGarbage;
  if (/^(m|n|k)$/.test(field)) return dimGarbage;
  if (/^(lda|ldb|ldc|incx|incy)$/.test(field)) return ldGarbage;
  if (/Offset$/.test(field)) return offsetGarbage;
  if (/^(alpha|beta)$/.test(field)) return scalarGarbage;
  return arrayGarbage;
}

/** Valid calls the garbage is put into: every field matters, every buffer is exactly large enough. */
export function validCalls(): { gemm: GemmCall; gemv: GemvCall; dot: DotCall } {
  const f = (n: number) => new Float32Array(n).fill(0.5);
  return {
    gemm: { transA: false, transB: false, m: 3, n: 4, k: 5, alpha: 1, a: f(15), lda: 5, b: f(20), ldb: 4, beta: 0.5, c: f(12), ldc: 4 },
    gemv: { transA: false, m: 3, n: 4, alpha: 1, a: f(12), lda: 4, x: f(4), incx: 1, beta: 0.5, y: f(3), incy: 1 },
    dot: { n: 4, x: f(4), incx: 1, y: f(4), incy: 1 },
  };
}

const fields = {
  gemm: ["transA", "transB", "m", "n", "k", "alpha", "a", "aOffset", "lda", "b", "bOffset", "ldb", "beta", "c", "cOffset", "ldc"],
  gemv: ["transA", "m", "n", "alpha", "a", "aOffset", "lda", "x", "xOffset", "incx", "beta", "y", "yOffset", "incy"],
  dot: ["n", "x", "xOffset", "incx", "y", "yOffset", "incy"],
} as const;

/**
 * Hundreds of bad calls: every field of every op replaced by each garbage value of its kind, then
 * `randomCount` calls with two to four fields broken at once (seeded), plus output aliasing.
 */
export function badCalls(randomCount = 150, seed = 12345): BadCall[] {
  const out: BadCall[] = [];
  for (const op of ["gemm", "gemv", "dot"] as const) {
    for (const field of fields[op]) {
      for (const g of garbageFor(field)) {
        const call = { ...validCalls()[op], [field]: g } as Record<string, unknown>;
        if (g === undefined) delete call[field];
        // An absent offset is a valid offset of 0, so "undefined" is only garbage for required fields.
        if (g === undefined && field.endsWith("Offset")) continue;
        out.push({ op, call, what: `${field} = ${describe(g)}`, names: namesFor(field) });
      }
    }
  }
  let s = seed >>> 0;
  const rnd = (n: number) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) % n);
  for (let i = 0; i < randomCount; i++) {
    const op = (["gemm", "gemv", "dot"] as const)[rnd(3)]!;
    const call = validCalls()[op] as unknown as Record<string, unknown>;
    const broken: string[] = [];
    for (let j = 0, count = 2 + rnd(3); j < count; j++) {
      const field = fields[op][rnd(fields[op].length)]!;
      const options = garbageFor(field).filter((g) => !(g === undefined && field.endsWith("Offset")));
      call[field] = options[rnd(options.length)];
      broken.push(field);
    }
    out.push({ op, call, what: `random: ${broken.map((f) => `${f} = ${describe(call[f])}`).join(", ")}`, names: broken.flatMap(namesFor) });
  }
  const gemm = validCalls().gemm;
  out.push({ op: "gemm", call: { ...gemm, c: gemm.a, ldc: 5, m: 3, n: 5, ldb: 5, b: new Float32Array(25) }, what: "C aliases A", names: ["C", "A"] });
  const gemv = validCalls().gemv;
  out.push({ op: "gemv", call: { ...gemv, y: gemv.x, transA: true, m: 4, n: 4, a: new Float32Array(16) }, what: "y aliases x", names: ["y", "x"] });
  return out;
}

function describe(v: unknown): string {
  if (v instanceof Float32Array || v instanceof Float64Array || v instanceof Int32Array) return `${v.constructor.name}(${v.length})`;
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "string") return JSON.stringify(v);
  try { return JSON.stringify(v) ?? String(v); } catch { return String(v); }
}
