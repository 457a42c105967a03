import { createHmac } from "node:crypto";
import { inspect } from "node:util";
import { ulpStep } from "./ulp-walk.js";

/** Shortest secret accepted (128 bits). */
export const MIN_KEY_BYTES = 16;
const DOMAIN = "chimera-keyed-noise/1";

/**
 * The paper's keyed noise function ζ_d(x, s) (§5.1): for a secret s and an input x, every element of
 * x is moved by a signed whole number of ULP steps drawn UNIFORMLY from {−d, …, d} (2d+1 values, as
 * the paper's "uniform noise of magnitude d ULP"), by exact walks on the binary32 number line
 * (ulp-walk.ts: through subnormals and zero, clamped at ±max finite).
 *
 * The draws come from a CSPRNG keyed by s and the exact input: seed = HMAC-SHA256(s, DOMAIN ‖ d ‖ n ‖
 * the n binary32 values as little-endian bytes), then the keystream HMAC-SHA256(seed, counter) for
 * counter = 0, 1, … (32-bit big-endian), read as 32-bit words; each step is a word reduced to
 * {0, …, 2d} by rejection sampling (no modulo bias), minus d. So ζ is deterministic for each (x, s)
 * (and d), and without s an adversary cannot compute it; a change to any bit of x or s gives
 * unrelated noise.
 *
 * The key is held privately and never appears in messages, inspect() or JSON.
 */
export class KeyedNoise {
  readonly #key: Buffer;
  /** The noise magnitude d in ULP (0 = no noise). */
  readonly d: number;

  constructor(key: Uint8Array, d: number) {
    if (!(key instanceof Uint8Array)) throw new TypeError("keyed noise: the key must be a Uint8Array");
    if (key.length < MIN_KEY_BYTES) {
      throw new RangeError(`keyed noise: the key must be at least ${MIN_KEY_BYTES} bytes, got ${key.length}`);
    }
    if (!Number.isInteger(d) || d < 0 || d > 0x7fffffff) {
      throw new RangeError(`keyed noise: d must be an integer number of ULP in [0, 2^31), got ${d}`);
    }
    this.#key = Buffer.from(key); // a private copy
    this.d = d;
  }

  /** The signed ULP steps ζ_d(x, s) for each element of x, each in [−d, d]. */
  steps(x: Float32Array): Int32Array {
    const out = new Int32Array(x.length);
    if (this.d === 0 || x.length === 0) return out;
    const header = Buffer.alloc(8);
    header.writeUInt32LE(this.d, 0);
    header.writeUInt32LE(x.length, 4);
    const bytes = Buffer.alloc(4 * x.length);
    for (let i = 0; i < x.length; i++) bytes.writeFloatLE(x[i]!, 4 * i);
    const seed = createHmac("sha256", this.#key).update(DOMAIN).update(header).update(bytes).digest();
    const range = 2 * this.d + 1; // <= 2^32 - 1
    const limit = Math.floor(2 ** 32 / range) * range; // words >= limit are rejected
    let block = Buffer.alloc(0), pos = 0, counter = 0;
    const ctr = Buffer.alloc(4);
    for (let i = 0; i < x.length;) {
      if (pos === block.length) {
        ctr.writeUInt32BE(counter++, 0);
        block = createHmac("sha256", seed).update(ctr).digest();
        pos = 0;
      }
      const word = block.readUInt32BE(pos);
      pos += 4;
      if (word < limit) out[i++] = (word % range) - this.d;
    }
    return out;
  }

  /** x + ζ_d(x, s): a new array, every element moved by its ULP steps. */
  apply(x: Float32Array): Float32Array {
    const steps = this.steps(x);
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = ulpStep(x[i]!, steps[i]!);
    return out;
  }

  /** Never shows the key. */
  toJSON(): { d: number; key: string } {
    return { d: this.d, key: "<secret>" };
  }

  [inspect.custom](): string {
    return `KeyedNoise { d: ${this.d}, key: <secret> }`;
  }
}
