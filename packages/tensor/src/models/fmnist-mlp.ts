import { Rng } from "../rng.js";
import { Flatten, ReLU } from "../nn/layers.js";
import { Linear } from "../nn/linear.js";
import { Sequential } from "../nn/sequential.js";

/**
 * The paper's FMNIST network (Table A2): Sequential(Flatten, Linear(784, 128), ReLU, Linear(128, 10)),
 * 101,770 parameters. Indices follow torch's Sequential, so the state dict keys are
 * "1.weight" [128, 784], "1.bias" [128], "3.weight" [10, 128], "3.bias" [10]
 * (a torch model written as nn.Sequential(nn.Flatten(), nn.Linear(784,128), nn.ReLU(), nn.Linear(128,10))
 * loads directly). Input [b, 1, 28, 28] or [b, 784]; output logits [b, 10].
 */
export function fmnistMlp(opts: { seed?: number } = {}): Sequential {
  const rng = new Rng(opts.seed ?? 0);
  return new Sequential(new Flatten(), new Linear(784, 128, { rng }), new ReLU(), new Linear(128, 10, { rng }));
}
