// Sequential: children named '0', '1', ...; a Linear or Conv2d followed by ReLU/Sigmoid/Tanh (GELU
// without gradients) runs as one fused GEMM, and Linear layers that record nothing as one chain.
import { Tensor } from '../tensor';
import { Module, runsOwnForward } from './module';
import { Linear } from './linear';
import { linearChainFrom } from './linear_chain';
import {
  ELU, Flatten, fusableActivation, GELU, Hardsigmoid, Hardswish, Hardtanh, Identity, LeakyReLU, LogSigmoid, LogSoftmax, Mish, PReLU, ReLU, ReLU6,
  SELU, Sigmoid, SiLU, Softmax, Softplus, Softsign, Tanh, Tanhshrink,
} from './activation';
import { AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout } from './dropout';
import { PAD_LAYERS, PixelShuffle, PixelUnshuffle, Upsample, UpsamplingBilinear2d, UpsamplingNearest2d } from './pad_resize';
import { BatchNorm1d, BatchNorm2d } from './batchnorm';
import { AvgPool2d, Conv2d, MaxPool2d } from './conv';
import { AvgPool1d, Conv1d, ConvTranspose1d, ConvTranspose2d, MaxPool1d } from './conv_more';
import { AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d } from './adaptive';
import { Fold, Unfold } from './fold';
import { LayerNorm } from './layernorm';
import { Embedding } from './embedding';
import { GRU, LSTM, RNN } from './rnn';
import { markInternal, POOL_MIN_LENGTH } from '../reuse';
import { shown } from '../args';

// The library's own layers, whose forward keeps no reference to its input or output: a tensor made by
// one and read by the next is seen by nobody else. Subclasses (and instances given a forward of
// their own) may keep them, and are not counted.
const OWN_LAYERS: readonly object[] = [Linear, ReLU, LeakyReLU, ELU, Sigmoid, Tanh, GELU, SiLU, Softplus, Softmax, LogSoftmax,
  Hardtanh, ReLU6, Hardsigmoid, Hardswish, LogSigmoid, Mish, SELU, Softsign, Tanhshrink, PReLU, RNN, LSTM, GRU, Identity, Flatten, Dropout, BatchNorm1d, BatchNorm2d, LayerNorm, Embedding, Conv2d, MaxPool2d, AvgPool2d,
  Conv1d, ConvTranspose1d, ConvTranspose2d, MaxPool1d, AvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, AdaptiveAvgPool1d, AdaptiveMaxPool1d, Unfold, Fold, Dropout2d, Dropout1d, Dropout3d, AlphaDropout, FeatureAlphaDropout, ...PAD_LAYERS.map(([c]) => c), Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle, PixelUnshuffle].map((c) => c.prototype);

function isOwnLayer(m: Module, within?: Set<Module>): boolean {
  const proto = Object.getPrototypeOf(m) as Module;
  if (m.forward !== proto.forward) return false;
  if (proto !== Sequential.prototype) return OWN_LAYERS.includes(proto);
  if (within?.has(m)) return false; // a Sequential among its own layers (its forward throws)
  const seen = within ?? new Set<Module>();
  seen.add(m);
  return (m as Sequential).layers.every((l) => isOwnLayer(l, seen));
}

/**
 * Gives back the storage of `input`, a tensor made and read only by this Sequential's own layers,
 * for the next tensor of its size (reuse.ts) instead of leaving it to the garbage collector, as
 * PyTorch frees an intermediate when its last reference goes: at once when the layer that read it
 * recorded nothing (noGrad inference), else once backward() has run the nodes that read it.
 */
function letGo(input: Tensor, out: Tensor): void {
  if (out.node === null) input.dispose();
  else if (input.node !== null) markInternal(input);
}

/**
 * Modules applied in order, named '0', '1', ... in the state dict as torch.nn.Sequential's. A Linear
 * followed by ReLU, Sigmoid or Tanh (or GELU, where no gradient is recorded) runs as one GEMM with
 * the activation fused (same numbers). Where nothing is recorded (inside noGrad, or parameters and
 * input that need no gradient), consecutive Linear layers (with Identity and eval-mode Dropout
 * between) run as one call into the backend: the same numbers, without the per-layer overhead.
 */
export class Sequential extends Module {
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw new Error(`Sequential: argument ${i} is not a Module`);
      (this as unknown as Record<string, Module>)[String(i)] = m;
    });
  }

  /** The layers in order. */
  get layers(): Module[] {
    return this.moduleValues();
  }

  /** The number of layers. */
  get length(): number {
    return this.layers.length;
  }

  /** Layer i (negative counts from the end); throws when out of range. */
  at(i: number): Module {
    const l = this.layers;
    const m = Number.isInteger(i) ? l[i < 0 ? l.length + i : i] : undefined;
    if (!m) throw new Error(`Sequential.at: index ${shown(i)} out of range for ${l.length} layers`);
    return m;
  }

  forward(x: Tensor): Tensor {
    // Only a Sequential among its own layers runs its forward inside itself: torch recurses without end.
    if (this.running) throw new Error('Sequential.forward: the Sequential is one of its own layers (it contains itself)');
    this.running = true;
    try {
      return this.runLayers(x);
    } finally {
      this.running = false;
    }
  }

  private running = false;

  private runLayers(x: Tensor): Tensor {
    const l = this.layers;
    // The layer (and the activation fused into it) that made x; null while x is the caller's input;
    // 'chain' when a chain of Linear layers made it (linear_chain.ts: no module saw it).
    let madeBy: Module | 'chain' | null = null;
    let madeByToo: Module | null = null;
    // Cheapest tests first: small tensors are never pooled, and most models are all the library's.
    const ours = (input: Tensor): boolean => madeBy !== null && input.size > POOL_MIN_LENGTH
      && (madeBy === 'chain' || (isOwnLayer(madeBy) && (!madeByToo || isOwnLayer(madeByToo))));
    for (let i = 0; i < l.length; i++) {
      const m = l[i];
      const input = x;
      // Linear layers that record nothing run as one chain, which hands x to no module.
      const chain = runsOwnForward(m, Linear) ? linearChainFrom(l, i, x) : null;
      if (chain) {
        x = chain.y;
        if (ours(input)) letGo(input, x);
        madeBy = 'chain';
        madeByToo = null;
        i = chain.end - 1;
        continue;
      }
      const act = (runsOwnForward(m, Linear) || runsOwnForward(m, Conv2d)) && i + 1 < l.length ? fusableActivation(l[i + 1]) : null;
      const fused = act ? l[i + 1] : null;
      if (act && (m instanceof Linear || m instanceof Conv2d)) {
        x = m.forwardWithActivation(x, act);
        i++;
      } else x = m.forward(x);
      if (x === input) continue; // passed through (Identity, Dropout in eval mode): still made where it was
      if (ours(input) && isOwnLayer(m) && (!fused || isOwnLayer(fused))) letGo(input, x);
      madeBy = m;
      madeByToo = fused;
    }
    return x;
  }
}
