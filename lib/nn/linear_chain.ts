// A Sequential's run of Linear layers at inference, in one backend call (linearChain) instead of one
// GEMM call per layer, with the same products and bits. At batch 1 the JavaScript between a
// layer's call and the next is what is left to save: W5's 784-1024-1024-10 pass spent ~7 us of ~60
// there at two threads (bench/step_profile.ts w5b1), where the products' weights stream from the L3
// cache in ~45. Only where nothing is recorded: a recorded layer keeps its own node for backward.
import { Tensor } from '../tensor';
import { Module, runsOwnForward } from './module';
import { Linear } from './linear';
import { fusableActivation, Identity } from './activation';
import { Dropout } from './dropout';
import { ACT_CODE } from '../ops/matmul';
import { isGradEnabled } from '../autograd';
import { B } from '../backend/registry';
import { allocOutput } from '../storage';
import { recycleArray } from '../reuse';

/** A chain's output, and the index just past its last layer. */
export interface ChainRun {
  y: Tensor;
  end: number;
}

// Layers that pass their input through at inference: Identity, and Dropout in eval mode (or p 0).
function passesThrough(m: Module): boolean {
  return runsOwnForward(m, Identity) || (runsOwnForward(m, Dropout) && (!m.training || m.p === 0));
}

/**
 * layers[from], layers[from + 1], ... applied to x as one chain, as far as they are Linear layers
 * (each with the activation after it fused, as Sequential fuses it) and layers that pass x through;
 * null, and nothing run, unless the chain holds two Linear layers or more, nothing would be
 * recorded, and every shape fits (else the layers run one by one, and say what does not fit).
 */
export function linearChainFrom(layers: Module[], from: number, x: Tensor): ChainRun | null {
  if (!(x instanceof Tensor)) return null; // the first layer names what it was given
  const recording = isGradEnabled();
  // A training step's layers bail out here, at the first test that can fail (W1's step, two Linear
  // layers, is mostly such overhead).
  if (recording && (x.requiresGrad || (layers[from] as Linear).weight?.requiresGrad)) return null;
  const last = x.shape.length - 1;
  if (last < 0) return null;
  const params: (Float32Array | null)[] = [];
  const dims: number[] = [x.shape[last]];
  let width = x.shape[last];
  let widest = 0;
  let end = from;
  while (end < layers.length) {
    const m = layers[end];
    if (passesThrough(m)) {
      end++;
      continue;
    }
    if (!runsOwnForward(m, Linear)) break;
    const { weight, bias } = m;
    if (!(weight instanceof Tensor) || weight.ndim !== 2 || weight.shape[1] !== width || weight.shape[0] === 0) break;
    if (bias !== null && (!(bias instanceof Tensor) || bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) break;
    if (recording && (weight.requiresGrad || (bias?.requiresGrad ?? false))) return null;
    const act = end + 1 < layers.length ? fusableActivation(layers[end + 1]) : null;
    if (params.length > 0) widest = Math.max(widest, width);
    params.push(weight.data, bias ? bias.data : null);
    width = weight.shape[0];
    dims.push(width, act ? ACT_CODE[act] : 0);
    end += act ? 2 : 1;
  }
  const linears = params.length / 2;
  const rows = x.size / dims[0];
  if (linears < 2 || !(rows >= 1) || !Number.isInteger(rows)) return null;
  const outShape = x.shape.slice();
  outShape[last] = width;
  const y = allocOutput(rows * width);
  const hiddenA = allocOutput(rows * widest);
  const hiddenB = linears > 2 ? allocOutput(rows * widest) : null;
  try {
    B().linearChain(rows, x.data, params, Int32Array.from(dims), hiddenA, hiddenB, y);
  } finally {
    recycleArray(hiddenA);
    if (hiddenB) recycleArray(hiddenB);
  }
  return { y: new Tensor(y, outShape), end };
}
