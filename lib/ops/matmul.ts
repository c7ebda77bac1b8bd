// matmul (PyTorch semantics for 1-D, 2-D and batched operands) and linear, the fused
// x W^T + b -> activation that nn.Linear uses, both on the backend's GEMM.
import { Backend, GemmArgs, Reduce, Unary, UnaryCode } from '../backend/backend';
import { B } from '../backend/registry';
import { Tensor } from '../tensor';
import { broadcastShapes, fmt, sizeOf } from '../shape';
import { allocOutput } from '../storage';
import { recycleArray } from '../reuse';
import { checkTensor, letGoAfterBackward, record } from './core';
import { isGradEnabled } from '../autograd';
import { shown } from '../args';
import { gelu } from './unary';
import { expand, reshape, transpose } from './shape';
import { sum } from './reduce';
import { unaryGraphRule } from './unary_graph';
import { wantsGradient } from '../autograd_graph';

function mismatch(a: Tensor, b: Tensor): Error {
  return new Error(`matmul: shapes ${fmt(a.shape)} and ${fmt(b.shape)} are not aligned (inner dimensions ${a.shape[a.ndim - 1]} vs ${b.shape[Math.max(b.ndim - 2, 0)]})`);
}

/** The products that are wanted of a backward's two: as a pair when both are (see gemmPair). */
function gemmEither(be: Backend, first: GemmArgs | null, second: GemmArgs | null): void {
  if (first && second) be.gemmPair(first, second);
  else if (first) be.gemm(...first);
  else if (second) be.gemm(...second);
}

/**
 * C[m,n] = A[m,k] B[k,n] on raw buffers, with backward, for `batch` pairs (B the same matrix for all
 * when not bBatched, its gradient then summed over them): a batch of matching pairs is one backend
 * call each way (gemmBatch, cut across the threads by pairs: attention's heads made 512 calls of
 * [64, 32] x [32, 64] a step).
 */
function mm2d(a: Tensor, b: Tensor, m: number, k: number, n: number, batch: number, bBatched: boolean, outShape: number[]): Tensor {
  const be = B();
  const y = allocOutput(batch * m * n); // each slice written whole (beta 0)
  if (bBatched && batch > 1) be.gemmBatch(false, false, batch, m, n, k, a.data, b.data, y);
  else {
    for (let i = 0; i < batch; i++) {
      const av = a.data.subarray(i * m * k, (i + 1) * m * k);
      const bv = bBatched ? b.data.subarray(i * k * n, (i + 1) * k * n) : b.data;
      be.gemm(false, false, m, n, k, 1, av, bv, 0, y.subarray(i * m * n, (i + 1) * m * n), null, 0);
    }
  }
  const out = record(y, outShape, [a, b], 'matmul', (gy) => {
    // Every element of ga and gb is written (beta 0 on each slice's first product): reused storage is fine.
    const ga = a.requiresGrad ? a.gradBuffer() : null;
    const gb = b.requiresGrad ? b.gradBuffer() : null;
    if (bBatched && batch > 1) {
      if (ga) be.gemmBatch(false, true, batch, m, k, n, gy, b.data, ga);
      if (gb) be.gemmBatch(true, false, batch, k, n, m, a.data, gy, gb);
      return [ga, gb];
    }
    for (let i = 0; i < batch; i++) {
      const g = gy.subarray(i * m * n, (i + 1) * m * n);
      const bv = bBatched ? b.data.subarray(i * k * n, (i + 1) * k * n) : b.data;
      const gaArgs: GemmArgs | null = ga && [false, true, m, k, n, 1, g, bv, 0, ga.subarray(i * m * k, (i + 1) * m * k), null, 0, null, 0];
      const gbArgs: GemmArgs | null = gb && [true, false, k, n, m, 1, a.data.subarray(i * m * k, (i + 1) * m * k), g,
        bBatched || i === 0 ? 0 : 1, bBatched ? gb.subarray(i * k * n, (i + 1) * k * n) : gb, null, 0, null, 0];
      gemmEither(be, gaArgs, gbArgs);
    }
    return [ga, gb];
  });
  if (out.node) {
    // gy b^T and a^T gy, pair by pair (b shared by all: a's rows as one matrix).
    out.node.graphBackward = (gy) => {
      const g3 = reshape(gy, [batch, m, n]);
      const ga = wantsGradient(a) ? reshape(matmul(g3, transpose(b, -1, -2)), a.shape) : null;
      let gb: Tensor | null = null;
      if (wantsGradient(b)) {
        gb = bBatched ? reshape(matmul(transpose(reshape(a, [batch, m, k]), 1, 2), g3), b.shape)
          : matmul(transpose(reshape(a, [batch * m, k]), 0, 1), reshape(gy, [batch * m, n]));
      }
      return [ga, gb];
    };
  }
  return out;
}

/**
 * Matrix product with torch.matmul's rules: 1-D operands are promoted and the added dimension
 * removed; leading (batch) dimensions broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'matmul');
  checkTensor(b, 'matmul');
  if (a.ndim === 0 || b.ndim === 0) throw new Error(`matmul: both operands need at least one dimension, got shapes ${fmt(a.shape)} and ${fmt(b.shape)}`);
  const a2 = a.ndim === 1 ? a.reshape([1, a.shape[0]]) : a;
  const b2 = b.ndim === 1 ? b.reshape([b.shape[0], 1]) : b;
  const k = a2.shape[a2.ndim - 1];
  if (b2.shape[b2.ndim - 2] !== k) throw mismatch(a, b);
  const m = a2.shape[a2.ndim - 2];
  const n = b2.shape[b2.ndim - 1];
  let out: Tensor;
  if (b2.ndim === 2) {
    const lead = a2.shape.slice(0, -2);
    // Leading dimensions of A fold into its rows: one GEMM for the whole batch.
    const rows = sizeOf(lead) * m;
    out = mm2d(a2, b2, rows, k, n, 1, false, [...lead, m, n]);
  } else {
    // Batch dimensions broadcast as torch.matmul's do ([2, 1, m, k] @ [5, k, n] -> [2, 5, m, n]): an
    // operand that is broadcast is copied out to the common batch shape first, and its gradient summed back.
    const batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2), `matmul: batch dimensions of ${fmt(a.shape)} and ${fmt(b.shape)}`);
    const aB = expand(a2, [...batch, m, k]);
    const bB = expand(b2, [...batch, k, n]);
    out = mm2d(aB, bB, m, k, n, sizeOf(batch), true, [...batch, m, n]);
  }
  if (a.ndim === 1 && b.ndim === 1) return out.reshape([]);
  if (a.ndim === 1) return out.reshape([...out.shape.slice(0, -2), n]);
  if (b.ndim === 1) return out.reshape(out.shape.slice(0, -1));
  return out;
}

/**
 * Activations that linear() applies in the GEMM's epilogue. ReLU, sigmoid and tanh always: their
 * derivative is a function of the output alone. GELU's needs the pre-activation, so it is fused only
 * where no gradient is recorded (inference); otherwise linear() applies gelu() to the product.
 */
export type FusedActivation = 'none' | 'relu' | 'sigmoid' | 'tanh' | 'gelu';
/** Each fused activation's code in the kernels' epilogue (0: none). */
export const ACT_CODE: Record<FusedActivation, UnaryCode> = { none: 0, relu: Unary.relu, sigmoid: Unary.sigmoid, tanh: Unary.tanh, gelu: Unary.gelu };

/**
 * The first step of a fused linear layer's backward (y = act(x W^T + b), [rows, out]): gz, the
 * gradient before the activation (gy itself without one, or when the consumer's GEMM applied it:
 * `gated`; else a fresh array the caller recycles), and the bias's gradient (null without a bias
 * that needs one).
 */
export function preActivationGrad(be: Backend, act: UnaryCode, y: Float32Array, gy: Float32Array, rows: number, out: number,
  bias: Tensor | null, gated: boolean): { gz: Float32Array; gb: Float32Array | null } {
  const gb = bias && bias.requiresGrad ? bias.gradBuffer() : null; // overwritten whole
  let gz = gy;
  if (act && !gated) {
    // The activation's backward (its derivative read from y) and the bias gradient in one pass.
    gz = allocOutput(gy.length);
    be.biasActGrad(act, y, gy, gz, rows, out, gb);
  } else if (gb) {
    be.reduce(Reduce.sum, gz, 1, rows, out, gb, null);
  }
  return { gz, gb };
}

/**
 * gy times a fused activation's derivative, as recorded ops from the output y (relu's slope, sigmoid's
 * and tanh's from y alone): a fused layer's graph backward begins with it. gy itself without one.
 */
export function preActivationGraphGrad(act: UnaryCode, y: Tensor): (gy: Tensor) => Tensor {
  if (!act) return (gy) => gy;
  const rule = unaryGraphRule(act, y, y, 0);
  return (gy) => rule(gy)[0] as Tensor;
}

/**
 * act(x W^T + b) in one GEMM with a fused epilogue (the same numbers as the activation applied
 * after). x [batch, in], weight [out, in], bias [out] or null.
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null, activation: FusedActivation = 'none'): Tensor {
  checkTensor(x, 'linear');
  checkTensor(weight, 'linear');
  if (bias !== null && !(bias instanceof Tensor)) throw new Error(`linear: bias must be a Tensor or null, got ${shown(bias)}`);
  if (!Object.prototype.hasOwnProperty.call(ACT_CODE, activation)) {
    throw new Error(`linear: activation must be one of ${Object.keys(ACT_CODE).map((k) => `'${k}'`).join(', ')}, got ${shown(activation)}`);
  }
  if (activation === 'gelu' && isGradEnabled() && (x.requiresGrad || weight.requiresGrad || (bias?.requiresGrad ?? false))) {
    const z = linear(x, weight, bias, 'none');
    const y = gelu(z);
    letGoAfterBackward(z); // kept, its storage went to the collector every step
    return y;
  }
  if (weight.ndim !== 2) throw new Error(`linear: weight must be 2-D [out, in], got shape ${fmt(weight.shape)}`);
  const [out, inF] = weight.shape;
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== inF) {
    throw new Error(`linear: input shape ${fmt(x.shape)} does not match weight shape ${fmt(weight.shape)} (expected last dimension ${inF})`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== out)) throw new Error(`linear: bias shape ${fmt(bias.shape)} does not match weight shape ${fmt(weight.shape)}`);
  // x's shape with the last dimension `out`, and the rows it folds to (not x.size / inF, which is
  // 0 / 0 for a layer of no inputs).
  const outShape = x.shape.slice();
  outShape[outShape.length - 1] = out;
  const batch = sizeOf(outShape, outShape.length - 1);
  const act = ACT_CODE[activation];
  const y = allocOutput(batch * out);
  const be = B();
  be.gemm(false, true, batch, out, inF, 1, x.data, weight.data, 0, y, bias ? bias.data : null, act);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  const result = record(y, outShape, inputs, 'linear', (gy, ctx) => {
    const { gz, gb } = preActivationGrad(be, act, y, gy, batch, out, bias, ctx?.gated ?? false);
    const gx = x.requiresGrad ? allocOutput(x.size) : null;
    // When x is a fused linear + activation's output and this is its one use, the input gradient
    // GEMM applies that activation's backward too (x's own backward then skips it).
    const xGate = gx ? ctx?.claimGate(0) ?? null : null;
    const gw = weight.requiresGrad ? weight.gradBuffer() : null; // overwritten whole (beta 0)
    const gxArgs: GemmArgs | null = gx && [false, false, batch, inF, out, 1, gz, weight.data, 0, gx, null, 0, xGate?.y ?? null, xGate?.act ?? 0];
    const gwArgs: GemmArgs | null = gw && [true, false, out, inF, batch, 1, gz, x.data, 0, gw, null, 0, null, 0];
    gemmEither(be, gxArgs, gwArgs);
    // The activation's gradient is used up: back to the pool (it went to the collector, one array
    // of the layer's output size a step).
    if (gz !== gy) recycleArray(gz);
    return bias ? [gx, gw, gb] : [gx, gw];
  }, act ? { act, y } : undefined);
  if (result.node) {
    const preActivation = preActivationGraphGrad(act, result);
    result.node.graphBackward = (gy) => {
      const gz = preActivation(gy);
      const gz2 = reshape(gz, [batch, out]);
      return [
        wantsGradient(x) ? matmul(gz, weight) : null,
        wantsGradient(weight) ? matmul(transpose(gz2, 0, 1), reshape(x, [batch, inF])) : null,
        bias && wantsGradient(bias) ? sum(gz2, 0) : null,
      ];
    };
  }
  return result;
}
