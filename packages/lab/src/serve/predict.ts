import { moduleAttackModel, uint8ImageDomain, type AttackModel } from "@chimera/attack";
import { argmaxOf } from "@chimera/defense";
import type { Kernel } from "@chimera/kernels";
import { weightsFor, zooEntry } from "../model-zoo.js";
import { loadModule } from "../weights.js";

const loaded = new Map<string, AttackModel>();

/** The zoo model `name` with its committed weights, loaded once per process. */
export function servedModel(name: string): AttackModel {
  let m = loaded.get(name);
  if (!m) {
    const entry = zooEntry(name);
    const net = entry.create().eval();
    loadModule(weightsFor(entry, undefined), net);
    m = moduleAttackModel(net, entry.sampleShape, entry.classes);
    loaded.set(name, m);
  }
  return m;
}

/** Splits a body of 8-bit images into inputs in [0, 1]; throws a RangeError when it is not a whole number of images. */
export function decodeImages(body: Uint8Array, inputSize: number, what: string): Float32Array[] {
  if (body.byteLength === 0 || body.byteLength % inputSize !== 0) {
    throw new RangeError(`${what}: the body holds ${body.byteLength} bytes; expected a positive multiple of ${inputSize} (8-bit images of ${inputSize} pixels, one byte each)`);
  }
  const out: Float32Array[] = [];
  for (let s = 0; s < body.byteLength; s += inputSize) out.push(uint8ImageDomain.decode(body.subarray(s, s + inputSize)));
  return out;
}

/**
 * Classifies each 8-bit image in `body` on every kernel, one image at a time (batch 1, as the attack's
 * verdicts are), and returns the logits (binary32 values, exact in JSON) and labels per backend.
 */
export function predictBatch(modelName: string, kernels: readonly Kernel[], body: Uint8Array) {
  let model: AttackModel;
  try {
    model = servedModel(modelName);
  } catch (e) {
    throw new RangeError(`predict: ${(e as Error).message}`);
  }
  const images = decodeImages(body, model.inputSize, "predict");
  return {
    model: modelName, n: images.length,
    results: kernels.map((k) => {
      const logits = images.map((x) => Array.from(model.logits(x, k)));
      return { backend: k.info.id, labels: logits.map(argmaxOf), logits };
    }),
  };
}
