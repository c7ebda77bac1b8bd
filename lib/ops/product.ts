// prod and cumprod, with torch's gradients: where no input is zero, gy * (y / x) (prod) and the
// reversed running sum of y * gy divided by x (cumprod); with zeros, products of the other
// elements (torch's prod_safe_zeros_backward and cumprod_backward), so a zero still gets the
// gradient it has.
import { Tensor } from '../tensor';
import { normDim, splitAt } from '../shape';
import { checkKeepDim } from '../args';
import { allocOutput } from '../storage';
import { B } from '../backend/registry';
import { RunningFold } from '../backend/backend';
import { recomposedRule } from '../autograd_graph';
import { mul } from './binary';
import { cat, narrow } from './join';
import { reshape } from './shape';
import { ones } from './creation';
import { checkTensor, record } from './core';
import { reducedShape } from './reduce';

const f = Math.fround;

/**
 * Each element's product of the others along the middle axis, as torch's prod_safe_zeros_backward
 * forms it: the running product of the elements before it times that of the elements after it,
 * each accumulated in double and rounded to float (its cumprod), their product rounded.
 */
function othersProducts(x: Float32Array, outer: number, len: number, inner: number): Float32Array {
  const before = new Float32Array(len);
  const out = allocOutput(x.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let acc = 1;
      for (let j = 0; j < len; j++) {
        before[j] = acc;
        acc *= x[base + j * inner];
      }
      acc = 1;
      for (let j = len - 1; j >= 0; j--) {
        out[base + j * inner] = f(before[j] * f(acc));
        acc *= x[base + j * inner];
      }
    }
  }
  return out;
}

/**
 * The product of all elements, or along `dim` (torch.prod: one dim, multiplied in float). The
 * gradient is gy * (y / x) when no element of x is zero, else gy times the product of the others.
 */
export function prod(x: Tensor, dim?: number, keepDim = false): Tensor {
  checkTensor(x, 'prod');
  const keep = checkKeepDim(keepDim, 'prod');
  const d = dim === undefined ? -1 : normDim(dim, x.ndim, 'prod');
  const [outer, len, inner] = d < 0 ? [1, x.size, 1] : splitAt(x.shape, d);
  const y = allocOutput(outer * inner);
  B().products(x.data, outer, len, inner, y);
  const out = record(y, reducedShape(x.shape, d, keep), [x], 'prod', (gy) => {
    const gx = allocOutput(x.size);
    if (x.ndim === 0) { // torch passes it through (y / x would be NaN at 0 and the infinities)
      gx.set(gy);
      return [gx];
    }
    const xs = x.data;
    if (xs.every((v) => v !== 0)) {
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < len; j++) {
          for (let i = 0; i < inner; i++) {
            const at = (o * len + j) * inner + i;
            gx[at] = gy[o * inner + i] * f(y[o * inner + i] / xs[at]);
          }
        }
      }
      return [gx];
    }
    const others = othersProducts(x.data, outer, len, inner);
    for (let at = 0; at < gx.length; at++) gx[at] = gy[Math.floor(at / (len * inner)) * inner + (at % inner)] * others[at];
    return [gx];
  });
  if (out.node) {
    out.node.graphBackward = recomposedRule([x], () => {
      const running = runningProducts(x, outer, len, inner);
      return reshape(len === 0 ? ones([outer * inner]) : running[len - 1], out.shape);
    });
  }
  return out;
}

/**
 * The running products of x viewed as [outer, len, inner] along len, as recorded ops ([outer, 1,
 * inner] each, the k-th the product of the first k + 1): the graph backward of prod and cumprod,
 * exact where x has zeros, as a product of the others is.
 */
function runningProducts(x: Tensor, outer: number, len: number, inner: number): Tensor[] {
  const xv = reshape(x, [outer, len, inner]);
  const out: Tensor[] = [];
  for (let k = 0; k < len; k++) {
    const slice = narrow(xv, 1, k, 1);
    out.push(k === 0 ? slice : mul(out[k - 1], slice));
  }
  return out;
}

/**
 * Running products along `dim` (torch.cumprod: accumulated in double, each rounded to float). The
 * gradient, as torch's: with no zero in x, the running sum of y * gy from the end, divided by x;
 * otherwise worked out slice by slice around each slice's first zero.
 */
export function cumprod(x: Tensor, dim: number): Tensor {
  checkTensor(x, 'cumprod');
  const [outer, len, inner] = splitAt(x.shape, normDim(dim, x.ndim, 'cumprod'));
  const y = allocOutput(x.size);
  B().runningFold(RunningFold.product, x.data, outer, len, inner, y, false);
  const out = record(y, x.shape, [x], 'cumprod', (gy) => {
    const gx = allocOutput(x.size);
    if (x.size <= 1 || len === 1) {
      gx.set(gy);
      return [gx];
    }
    // A plain loop: TypedArray's every() calls its callback unoptimized, ~10 ns an element.
    const xd = x.data;
    let noZeros = true;
    for (let e = 0; e < xd.length && noZeros; e++) noZeros = xd[e] !== 0;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) cumprodSliceGrad(x.data, y, gy, gx, o * len * inner + i, len, inner, noZeros);
    }
    return [gx];
  });
  if (out.node) out.node.graphBackward = recomposedRule([x], () => (len === 0 ? mul(x, 1) : reshape(cat(runningProducts(x, outer, len, inner), 1), x.shape)));
  return out;
}

/**
 * One slice's cumprod gradient. Before the first zero z (all of the slice when there is none): the
 * running sum from the end of y * gy over the elements before z, in double, each rounded, divided by
 * x (torch's reversed_cumsum(w).div(x)). At z: the sum over k >= z of gy[k] times the product of
 * x[0..k] without x[z]. After z: 0.
 */
function cumprodSliceGrad(x: Float32Array, y: Float32Array, gy: Float32Array, gx: Float32Array, base: number, len: number,
  inner: number, noZeros: boolean): void {
  let z = len;
  if (!noZeros) for (let j = 0; j < len; j++) if (x[base + j * inner] === 0) { z = j; break; }
  let acc = 0;
  for (let j = z - 1; j >= 0; j--) {
    const at = base + j * inner;
    acc += f(y[at] * gy[at]);
    gx[at] = f(acc) / x[at];
  }
  if (z === len) return;
  let sumAtZ = 0;
  let others = z > 0 ? y[base + (z - 1) * inner] : 1;
  for (let k = z; k < len; k++) {
    if (k > z) others = f(others * x[base + k * inner]);
    sumAtZ += f(gy[base + k * inner] * others);
  }
  gx[base + z * inner] = f(sumAtZ);
  for (let j = z + 1; j < len; j++) gx[base + j * inner] = 0;
}
