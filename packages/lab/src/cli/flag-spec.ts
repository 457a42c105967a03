/**
 * What a command's flag accepts. Every flag a command reads is declared with one of these; the parser
 * turns the text after `--name` into the typed value or a usage error naming the flag, the value and
 * what is allowed. No value is ever defaulted silently: an empty, misspelled or out-of-range value is
 * an error, never the default.
 */
export type FlagSpec =
  | { readonly type: "boolean" }
  /** Any non-empty text; `check` may refuse it (returning the reason). */
  | { readonly type: "string"; readonly default?: string; readonly check?: (value: string) => string | undefined }
  /** A file or folder name (non-empty; whether it exists is checked where it is opened). */
  | { readonly type: "path"; readonly default?: string }
  /** A decimal integer in [min, max]. */
  | { readonly type: "int"; readonly min: number; readonly max: number; readonly default?: number }
  /** A finite decimal number in [min, max]; with `float32`, one that binary32 holds exactly. */
  | { readonly type: "number"; readonly min: number; readonly max: number; readonly default?: number; readonly float32?: boolean }
  /** One of `values`. */
  | { readonly type: "enum"; readonly values: readonly string[]; readonly default?: string }
  /** Comma-separated non-empty items, `min`…`max` of them, no repeats (unless `repeats`); `check` may refuse an item. */
  | {
    readonly type: "list"; readonly min?: number; readonly max?: number; readonly default?: readonly string[]; readonly repeats?: boolean;
    readonly check?: (item: string) => string | undefined;
  };

/** A command's flags by name (without the leading --). */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** A parsed flag value: boolean, text (string/path/enum), number (int/number) or list. */
export type FlagValue = boolean | string | number | string[];

/** What `spec` allows, in words, for error messages and help ("an integer in [0, 2147483647]"). */
export function allowedText(spec: FlagSpec): string {
  switch (spec.type) {
    case "boolean": return "no value";
    case "string": return "a non-empty value";
    case "path": return "a non-empty file or folder name";
    case "int": return `an integer in [${spec.min}, ${spec.max}]`;
    case "number": return `a number in [${spec.min}, ${spec.max}]${spec.float32 ? " that float32 holds exactly" : ""}`;
    case "enum": return `one of ${spec.values.join(", ")}`;
    case "list": {
      const lo = spec.min ?? 1, hi = spec.max ?? Infinity;
      const count = hi === Infinity ? `${lo} or more` : lo === hi ? `exactly ${lo}` : `${lo} to ${hi}`;
      return `${count} comma-separated items${spec.repeats ? "" : ", none repeated"}`;
    }
  }
}

const INT = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The typed value of `text` for `spec`, or a reason why not (one line, without the flag's name).
 * Empty text is always refused (an empty `--seed ""` must not become 0).
 */
export function parseFlagValue(spec: FlagSpec, text: string): { value: FlagValue } | { problem: string } {
  if (spec.type === "boolean") return { problem: "takes no value" };
  if (text.trim() === "") return { problem: `is empty; expected ${allowedText(spec)}` };
  const bad = (why: string) => ({ problem: `"${text}" ${why}; expected ${allowedText(spec)}` });
  switch (spec.type) {
    case "string": {
      const why = spec.check?.(text);
      return why === undefined ? { value: text } : { problem: `"${text}": ${why}` };
    }
    case "path": return { value: text };
    case "int": {
      if (!INT.test(text)) return bad("is not an integer");
      const v = Number(text);
      if (!Number.isSafeInteger(v) || v < spec.min || v > spec.max) return bad("is out of range");
      return { value: v };
    }
    case "number": {
      if (!DECIMAL.test(text)) return bad("is not a decimal number");
      const v = Number(text);
      if (!Number.isFinite(v) || v < spec.min || v > spec.max) return bad("is out of range");
      if (spec.float32 && Math.fround(v) !== v) return bad(`is not exact in float32 (nearest: ${Math.fround(v)})`);
      return { value: v };
    }
    case "enum":
      return spec.values.includes(text) ? { value: text } : bad("is not allowed");
    case "list": {
      const items = text.split(",").map((s) => s.trim());
      if (items.some((s) => s === "")) return bad("has an empty item");
      if (!spec.repeats && new Set(items).size !== items.length) return bad("repeats an item");
      if (items.length < (spec.min ?? 1) || items.length > (spec.max ?? Infinity)) return bad(`has ${items.length} item(s)`);
      for (const item of items) {
        const why = spec.check?.(item);
        if (why !== undefined) return { problem: `"${text}": ${why}` };
      }
      return { value: items };
    }
  }
}
