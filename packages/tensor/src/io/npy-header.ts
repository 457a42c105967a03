import { ioFail } from "./io-error.js";

/**
 * The header of a .npy file is a Python literal dict, e.g.
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`. This is a parser for the literal
 * subset NumPy writes (strings, True/False, integers, tuples, lists, dicts) and the writer that
 * produces NumPy's exact text. Spec: numpy.lib.format (NEP 1), "Format Version 1.0".
 */

/** A parsed Python literal: tuples and lists both become arrays. */
export type PyLiteral = string | number | boolean | null | PyLiteral[] | { [key: string]: PyLiteral };

/** Parses the header text of a .npy file; errors name `subject` and the position. */
export function parsePyLiteral(subject: string, text: string): PyLiteral {
  let i = 0;
  const fail = (what: string): never =>
    ioFail(subject, `header: ${what} at character ${i} of ${JSON.stringify(text.slice(0, 120))}`);
  const skip = (): void => {
    while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
  };
  const value = (): PyLiteral => {
    skip();
    const c = text[i];
    if (c === "{") return dict();
    if (c === "(" || c === "[") return sequence(c === "(" ? ")" : "]");
    if (c === "'" || c === '"') return str(c);
    const m = /^(True|False|None|-?\d+L?)/.exec(text.slice(i));
    if (m === null) return fail(c === undefined ? "unexpected end" : `unexpected ${JSON.stringify(c)}`);
    i += m[0].length;
    if (m[0] === "True") return true;
    if (m[0] === "False") return false;
    if (m[0] === "None") return null;
    const n = Number(m[0].replace("L", ""));
    if (!Number.isSafeInteger(n)) fail(`integer ${m[0]} is not exactly representable`);
    return n;
  };
  const str = (q: string): string => {
    const end = text.indexOf(q, i + 1);
    if (end < 0) fail("unterminated string");
    const s = text.slice(i + 1, end);
    if (s.includes("\\")) fail("escape sequences in strings are not supported");
    i = end + 1;
    return s;
  };
  const sequence = (close: string): PyLiteral[] => {
    i++;
    const out: PyLiteral[] = [];
    for (;;) {
      skip();
      if (text[i] === close) { i++; return out; }
      out.push(value());
      skip();
      if (text[i] === ",") i++;
      else if (text[i] !== close) fail(`expected "," or "${close}"`);
    }
  };
  const dict = (): { [key: string]: PyLiteral } => {
    i++;
    const out: { [key: string]: PyLiteral } = {};
    for (;;) {
      skip();
      if (text[i] === "}") { i++; return out; }
      const k = value();
      if (typeof k !== "string") fail("dict keys must be strings");
      skip();
      if (text[i] !== ":") fail('expected ":"');
      i++;
      out[k as string] = value();
      skip();
      if (text[i] === ",") i++;
      else if (text[i] !== "}") fail('expected "," or "}"');
    }
  };
  const v = value();
  skip();
  if (i !== text.length) fail("trailing characters after the dict");
  return v;
}

/** NumPy's repr of a shape tuple: `()`, `(5,)`, `(2, 3)`. */
export function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/**
 * The header dict text exactly as NumPy 1.x/2.x `np.save` writes it (keys sorted, trailing ", ",
 * then spare spaces so the first axis can grow to 21 digits in place: numpy GROWTH_AXIS_MAX_DIGITS).
 */
export function formatNpyDict(descr: string, shape: readonly number[]): string {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  const growth = shape.length > 0 ? Math.max(0, 21 - String(shape[0]).length) : 0;
  return dict + " ".repeat(growth);
}
