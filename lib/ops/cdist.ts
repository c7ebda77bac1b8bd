// torch.cdist: the p-norm distances between two sets of rows, one kernel (Backend.distances) for the
// values and one for the gradients, where the differences of every pair used to be a tensor of
// their own ([P, R, M]: 268 MB for 1024 rows of 64 against 1024).
import { Tensor } from '../tensor';
import { broadcastShapes, fmt, sizeOf } from '../shape';
import { B } from '../backend/registry';
import { allocOutput } from '../storage';
import { checkTensor, letGoAfterBackward, record } from './core';
import { expand, unsqueeze } from './shape';
import { div, mul, sub } from './binary';
import { abs, neg, sign } from './unary';
import { eq, where } from './more';
import { sum } from './reduce';
import { checkNormP } from './structure';

/**
 * The p-norm distance between each row of x1 [..., P, M] and each row of x2 [..., R, M] (torch.cdist),
 * shape [..., P, R]; p 1, 2 or Infinity, batch dims broadcast. Computed from the differences in
 * float, as torch does for p other than 2 and for small inputs (its p = 2 path past 25 rows goes
 * through a matrix product, a few ulps away from this one, more where rows lie close together).
 */
export function cdist(x1: Tensor, x2: Tensor, p = 2): Tensor {
  checkTensor(x1, 'cdist x1');
  checkTensor(x2, 'cdist x2');
  if (x1.ndim < 2 || x2.ndim < 2) throw new Error(`cdist: x1 and x2 must have at least 2 dims, got shapes ${fmt(x1.shape)} and ${fmt(x2.shape)}`);
  const cols = x1.shape[x1.ndim - 1];
  if (cols !== x2.shape[x2.ndim - 1]) {
    throw new Error(`cdist: x1 and x2 must have the same number of columns, got shapes ${fmt(x1.shape)} and ${fmt(x2.shape)}`);
  }
  checkNormP(p, 'cdist');
  const rows1 = x1.shape[x1.ndim - 2], rows2 = x2.shape[x2.ndim - 2];
  const batchShape = broadcastShapes(x1.shape.slice(0, -2), x2.shape.slice(0, -2), 'cdist');
  const a = expand(x1, [...batchShape, rows1, cols]), b = expand(x2, [...batchShape, rows2, cols]);
  const batch = sizeOf(batchShape);
  const y = allocOutput(batch * rows1 * rows2);
  B().distances(a.data, b.data, batch, rows1, rows2, cols, p, y);
  const out = record(y, [...batchShape, rows1, rows2], [a, b], 'cdist', (gy) => {
    const ga = allocOutput(a.size), gb = allocOutput(b.size);
    B().distancesGrad(a.data, b.data, y, gy, batch, rows1, rows2, cols, p, ga, gb);
    return [ga, gb];
  });
  if (out.node) out.node.graphBackward = (g) => distancesGraphGrad(a, b, out, g, p);
  letGoAfterBackward(...[a, b].filter((t) => t !== x1 && t !== x2));
  return out;
}

// createGraph's rule: the kernel's slopes as recorded ops over the pairs' differences [..., P, R, M].
function distancesGraphGrad(a: Tensor, b: Tensor, dist: Tensor, g: Tensor, p: number): Tensor[] {
  const d = sub(unsqueeze(a, -2), unsqueeze(b, -3));
  const gu = unsqueeze(g, -1), du = unsqueeze(dist, -1);
  let t: Tensor;
  if (p === 2) {
    // (g d) / dist, 0 where dist is 0; the divisor made 1 there so that no NaN reaches the gradients.
    const zero = eq(du, 0);
    t = where(zero, 0, div(mul(gu, d), where(zero, 1, du)));
  } else if (p === 1) {
    t = mul(gu, sign(d));
  } else {
    t = mul(gu, mul(sign(d), eq(abs(d), du)));
  }
  return [sum(t, -2), neg(sum(t, -3))];
}
