// svd's and pinv's gradients in recorded ops, for createGraph: the formulas of svd.ts's kernels (torch's
// svd_backward and pinv_backward) written with matmul and element-wise ops, so that they can be
// differentiated again. They take the factors as recorded tensors (views of svd's one node), whose
// own gradients then run through this rule again.
import { Tensor } from '../tensor';
import { add, div, mul, sub } from './binary';
import { matmul } from './matmul';
import { mT, unsqueeze } from './shape';
import { narrow } from './join';
import { diagEmbed } from './structure';
import { eye } from './creation';
import { reached } from './matrices';


/**
 * U (X + diag(gS)) Vh for m >= n (U m x k, Vh k x k), X_jl = (skew(U^T gU)_jl S_l + S_j skew(Vh gVh^T)_jl) /
 * (S_l^2 - S_j^2), plus (I - U U^T) gU diag(1/S) Vh when m > k; a null gradient adds nothing.
 */
function tallGraph(m: number, k: number, u: Tensor, s: Tensor, vh: Tensor, gu: Tensor | null, gs: Tensor, gvh: Tensor | null): Tensor {
  let x = diagEmbed(gs);
  if (gu || gvh) {
    const skew = (t: Tensor) => sub(t, mT(t));
    const sl = unsqueeze(s, -2), sj = unsqueeze(s, -1);
    // The diagonal's 0 / 0 made 0 / 1: the skew parts are 0 there.
    const e = add(sub(mul(sl, sl), mul(sj, sj)), eye(k));
    const terms = [gu ? mul(skew(matmul(mT(u), gu)), sl) : null, gvh ? mul(sj, skew(matmul(vh, mT(gvh)))) : null].filter((t): t is Tensor => t !== null);
    x = add(x, div(terms.length === 2 ? add(terms[0], terms[1]) : terms[0], e));
  }
  if (!gu || m === k) return matmul(u, matmul(x, vh));
  const gus = div(gu, unsqueeze(s, -2));
  return matmul(add(matmul(u, x), sub(gus, matmul(u, matmul(mT(u), gus)))), vh);
}

/**
 * svd's gradient for A [..., m, n] from its factors (full or reduced) and their gradients (a result
 * that no gradient reached holds zeros, and counts as none, as svd.ts's kernels count it): the reduced
 * factors' (the leading k columns of U, rows of Vh), a wide A through its transpose.
 */
export function svdGraphGradient(m: number, n: number, u: Tensor, s: Tensor, vh: Tensor, gu: Tensor, gs: Tensor, gvh: Tensor): Tensor {
  const k = Math.min(m, n);
  const uk = narrow(u, -1, 0, k), vhk = narrow(vh, -2, 0, k);
  const guk = reached(gu.data) ? narrow(gu, -1, 0, k) : null, gvhk = reached(gvh.data) ? narrow(gvh, -2, 0, k) : null;
  if (m >= n) return tallGraph(m, k, uk, s, vhk, guk, gs, gvhk);
  return mT(tallGraph(n, k, mT(vhk), s, mT(uk), gvhk && mT(gvhk), gs, guk && mT(guk)));
}

/**
 * pinv's gradient as torch's pinv_backward (its m <= n arrangement, which holds for any shape):
 * K = G^T P, -(P K)^T + K P^T - A P K P^T + P^T P (G^T - K A).
 */
export function pinvGraphGradient(a: Tensor, p: Tensor, g: Tensor): Tensor {
  const gt = mT(g), pt = mT(p);
  const k = matmul(gt, p), kpt = matmul(k, pt);
  return add(sub(sub(kpt, mT(matmul(p, k))), matmul(matmul(a, p), kpt)), matmul(matmul(pt, p), sub(gt, matmul(k, a))));
}
