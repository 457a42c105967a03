import type { Kernel } from "@chimera/kernels";
import type { Tensor } from "../tensor.js";

/**
 * Remembers each convolution layer's last output for one kernel (or oneDNN's emulation, ctx.onednn), so that forward passes that share
 * their convolutions (`ForwardContext.convKernel`, PyTorch's oneDNN behaviour: one convolution code
 * whatever BLAS) compute them once for all backends. A layer's entry is reused only when the kernel
 * is the same object and the input holds the same bits; it is used only outside gradient recording
 * (see Conv2d.forward), so a cached tensor never joins a graph.
 */
export class ConvCache {
  private readonly entries = new Map<object, { kernel: object; input: Uint32Array; out: Tensor }>();
  /** Number of forward calls answered from the cache (for tests and benchmarks). */
  hits = 0;

  /** The output `layer` produced for these input bits on `kernel`, if it is the last thing it computed. */
  lookup(layer: object, kernel: object, input: Float32Array): Tensor | undefined {
    const e = this.entries.get(layer);
    if (!e || e.kernel !== kernel || e.input.length !== input.length) return undefined;
    const bits = new Uint32Array(input.buffer, input.byteOffset, input.length);
    for (let i = 0; i < bits.length; i++) if (bits[i] !== e.input[i]) return undefined;
    this.hits++;
    return e.out;
  }

  /** Records `layer`'s output for `input` (copied) on `kernel`, replacing its previous entry. */
  store(layer: object, kernel: object, input: Float32Array, out: Tensor): void {
    this.entries.set(layer, { kernel, input: new Uint32Array(Float32Array.from(input).buffer), out });
  }
}
