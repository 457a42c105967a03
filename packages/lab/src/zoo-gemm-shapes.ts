import type { GemmCall, Kernel, ModelGemmShape } from "@chimera/kernels";
import { models, noGrad, Tensor, type nn } from "@chimera/tensor";

let cached: ModelGemmShape[] | undefined;

/**
 * The distinct gemm calls of one batch-1 forward pass of the CNNs in packages/tensor's model zoo: the CIFAR
 * VGG at 3×32×32 and EfficientNetV2-S at 3×224×224 (its ImageNet size). Conv layers are im2col products,
 * one per image and group as torch's slow_conv2d makes them, so a batch of N makes the same calls N times.
 * Recorded by running the models on a kernel that only notes each call's shape (about 2 s, once per process).
 */
export function zooConvShapes(): ModelGemmShape[] {
  if (cached) return cached;
  const seen = new Map<string, ModelGemmShape>();
  const record = (what: string) => (c: GemmCall) => {
    const key = `${c.transA}${c.transB}${c.m}x${c.n}x${c.k}b${c.beta}`;
    if (!seen.has(key)) seen.set(key, { what: `${what} ${c.m}x${c.n}x${c.k}`, transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, beta: c.beta });
  };
  const run = (what: string, model: nn.Module, shape: number[]) => {
    const kernel: Kernel = {
      info: { id: "shape-recorder", kind: "reference", library: "none", version: "0", variant: "none", threads: 1, description: "records gemm shapes; computes nothing" },
      gemm: record(what),
      gemv: () => undefined,
      dot: () => 0,
    };
    noGrad(() => model.eval().forward(new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape), { kernel, training: false }));
  };
  run("cifar-vgg", models.cifarVgg(), [1, 3, 32, 32]);
  run("efficientnet-v2-s", models.efficientNetV2S(), [1, 3, 224, 224]);
  cached = [...seen.values()];
  return cached;
}
