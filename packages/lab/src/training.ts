import { argmax, crossEntropy, noGrad, Rng as RngClass, Tensor, type nn, type optim, type Rng } from "@chimera/tensor";
import type { Kernel } from "@chimera/kernels";
import type { FmnistSplit } from "./fmnist-data.js";

/**
 * Replaces a batch by the inputs to train on (adversarial training: the PGD examples of the batch).
 * Gets the batch [b, d] and its labels; returns a tensor of the same shape.
 */
export type BatchTransform = (x: Tensor, labels: Int32Array) => Tensor;

/**
 * One epoch of mini-batch training: a seeded shuffle, then for each batch forward, mean
 * cross-entropy, backward, optimizer step; every gemm on `kernel`. The last partial batch is kept.
 * With `transform`, each batch is replaced by transform(batch, labels) before the forward pass.
 * Each batch enters the model as [b, ...sampleShape] (default [b, d]: flat rows). Dropout masks come
 * from a generator seeded by `rng`'s first draw, so the shuffle and the masks are both reproducible.
 * Returns the mean training loss over the epoch (binary64 average of the per-batch losses).
 */
export function trainEpoch(
  model: nn.Module, opt: optim.Optimizer, kernel: Kernel, data: FmnistSplit, batchSize: number, rng: Rng,
  onBatch: (done: number, meanLoss: number) => void, transform?: BatchTransform, sampleShape?: readonly number[],
): number {
  const order = new Int32Array(data.n);
  for (let i = 0; i < data.n; i++) order[i] = i;
  rng.shuffle(order);
  const d = data.x.length / data.n;
  checkSampleShape(d, sampleShape);
  const dropoutRng = new RngClass(Math.floor(rng.next() * 0x7fffffff));
  let lossSum = 0, batches = 0;
  model.train();
  for (let s = 0; s < data.n; s += batchSize) {
    const b = Math.min(batchSize, data.n - s);
    const xb = new Float32Array(b * d), yb = new Int32Array(b);
    for (let i = 0; i < b; i++) {
      const src = order[s + i]!;
      xb.set(data.x.subarray(src * d, (src + 1) * d), i * d);
      yb[i] = data.labels[src]!;
    }
    const clean = new Tensor(xb, [b, ...(sampleShape ?? [d])]);
    const input = transform ? transform(clean, yb) : clean;
    const loss = crossEntropy(model.forward(input, { kernel, training: true, rng: dropoutRng }), yb);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    lossSum += loss.item();
    batches++;
    onBatch(s + b, lossSum / batches);
  }
  return lossSum / Math.max(1, batches);
}

/** Fraction of `data` classified correctly, in eval mode, batches of `batchSize` (default 500). */
export function accuracy(model: nn.Module, kernel: Kernel, data: FmnistSplit, batchSize = 500, sampleShape?: readonly number[]): number {
  const d = data.x.length / data.n;
  checkSampleShape(d, sampleShape);
  let correct = 0;
  model.eval();
  noGrad(() => {
    for (let s = 0; s < data.n; s += batchSize) {
      const b = Math.min(batchSize, data.n - s);
      const pred = argmax(model.forward(new Tensor(data.x.slice(s * d, (s + b) * d), [b, ...(sampleShape ?? [d])]), { kernel, training: false }), 1);
      for (let i = 0; i < b; i++) if (pred[i] === data.labels[s + i]) correct++;
    }
  });
  model.train();
  return correct / data.n;
}

function checkSampleShape(d: number, sampleShape: readonly number[] | undefined): void {
  if (sampleShape && sampleShape.reduce((a, b) => a * b, 1) !== d) {
    throw new Error(`training: sample shape [${sampleShape.join(", ")}] does not hold the data's ${d} values per sample`);
  }
}
