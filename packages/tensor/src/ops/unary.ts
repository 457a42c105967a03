import { Tensor } from "../tensor.js";
import { NO_PARAMS, record } from "../autograd/primitives.js";

/**
 * Elementwise unary primitives. neg, sqrt and relu are exact binary32 operations (computed in binary64,
 * rounded once). exp, log, tanh and sigmoid are transcendental: we compute Math.fround(Math.exp(x))
 * etc., i.e. V8's binary64 libm (nearly correctly rounded) followed by one rounding to binary32. Real
 * fp32 libms (glibc expf, SLEEF, MKL VML) differ from each other in the last bit anyway; this is a
 * faithful, platform-independent choice, not a model of any one of them.
 */

function map(x: Tensor, f: (v: number) => number): Float32Array {
  const v = x.values(), out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = f(v[i]!);
  return out;
}

function unary(op: "neg" | "exp" | "log" | "sqrt" | "tanh" | "relu", x: Tensor, f: (v: number) => number): Tensor {
  return record(op, [x], NO_PARAMS, new Tensor(map(x, f), x.shape));
}

/** −x. */
export function neg(x: Tensor): Tensor {
  return unary("neg", x, (v) => -v);
}

/** fround(Math.exp(x)) (see module note on transcendentals). */
export function exp(x: Tensor): Tensor {
  return unary("exp", x, Math.exp);
}

/** fround(Math.log(x)); log of a negative number is NaN, log(0) = −Inf. */
export function log(x: Tensor): Tensor {
  return unary("log", x, Math.log);
}

/** Correctly rounded binary32 square root. */
export function sqrt(x: Tensor): Tensor {
  return unary("sqrt", x, Math.sqrt);
}

/** fround(Math.tanh(x)). */
export function tanh(x: Tensor): Tensor {
  return unary("tanh", x, Math.tanh);
}

/** max(x, 0), with NaN propagated (PyTorch's relu = clamp_min(x, 0)). */
export function relu(x: Tensor): Tensor {
  return unary("relu", x, (v) => (v > 0 || v !== v ? v : 0));
}

/**
 * 1 / (1 + exp(−x)) with a binary32 rounding after each step, as PyTorch's scalar sigmoid kernel
 * writes it: fl(1 / fl(1 + fl(exp(−x)))).
 */
export function sigmoid(x: Tensor): Tensor {
  const f = Math.fround;
  return record("sigmoid", [x], NO_PARAMS, new Tensor(map(x, (v) => 1 / f(1 + f(Math.exp(-v)))), x.shape));
}

/** x^p for a scalar exponent: fround(Math.pow(x, p)); p = 2 is x·x (exact binary32 multiply). */
export function powScalar(x: Tensor, p: number): Tensor {
  const f = p === 2 ? (v: number) => v * v : (v: number) => Math.pow(v, p);
  return record("powScalar", [x], { p }, new Tensor(map(x, f), x.shape));
}
