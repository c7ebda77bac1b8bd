// Sequential: children named '0', '1', ...; a Linear followed by ReLU/Sigmoid/Tanh (GELU without gradients) runs as one fused GEMM.
import { Tensor } from '../tensor';
import { Module } from './module';
import { Linear } from './linear';
import { fusableActivation } from './activation';
import { shown } from '../args';

/**
 * Modules applied in order, named '0', '1', ... in the state dict as torch.nn.Sequential's. A Linear
 * followed by ReLU, Sigmoid or Tanh (or GELU, where no gradient is recorded) runs as one GEMM with
 * the activation fused (same numbers).
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
    return this.moduleFields().map(([, m]) => m);
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
    for (let i = 0; i < l.length; i++) {
      const m = l[i];
      const act = m instanceof Linear && i + 1 < l.length ? fusableActivation(l[i + 1]) : null;
      if (act && m instanceof Linear) {
        x = m.forwardWithActivation(x, act);
        i++;
      } else x = m.forward(x);
    }
    return x;
  }
}
