// Gradient clipping: by total L2 norm (returns the norm before clipping) and by value.
import { Tensor } from '../tensor';
import { Unary } from '../backend/backend';
import { B } from '../backend/registry';
import { tensorList } from './optimizer';
import { optionsOf, shown } from '../args';
import { assertNotInEpoch } from '../worker_owned';

function grads(params: Iterable<Tensor>, what: string): Float32Array[] {
  const out: Float32Array[] = [];
  const list = tensorList(params, what);
  assertNotInEpoch(list, what);
  for (const p of list) {
    const g = p.gradData();
    if (g) out.push(g);
  }
  return out;
}

/** Options of clipGradNorm. */
export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite, instead of scaling by it (default false). */
  errorIfNonfinite?: boolean;
}

// The joint p-norm of all gradients: torch's norm of the per-tensor norms (the same number).
function totalNorm(gs: Float32Array[], normType: number): number {
  if (normType === 2) return Math.sqrt(B().sumSquares(gs));
  if (normType === 1) return B().sumAbs(gs);
  let acc = 0;
  if (normType === Infinity) {
    for (const g of gs) for (let i = 0; i < g.length; i++) acc = Math.abs(g[i]) > acc || Number.isNaN(g[i]) ? Math.abs(g[i]) : acc;
    return acc;
  }
  for (const g of gs) for (let i = 0; i < g.length; i++) acc += Math.abs(g[i]) ** normType;
  return acc ** (1 / normType);
}

/**
 * Scales all gradients so that their joint norm (the L2 norm, or the `normType`-norm: any positive
 * number or Infinity, as torch's norm_type) is at most maxNorm; returns the norm before.
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, normType = 2, options?: ClipGradNormOptions): number {
  const o = optionsOf(options, 'clipGradNorm', { errorIfNonfinite: 'boolean' });
  if (typeof maxNorm !== 'number' || !(maxNorm > 0)) throw new Error(`clipGradNorm: maxNorm must be positive, got ${shown(maxNorm)}`);
  if (typeof normType !== 'number' || !(normType > 0)) throw new Error(`clipGradNorm: normType must be a positive number or Infinity, got ${shown(normType)}`);
  const gs = grads(params, 'clipGradNorm');
  const total = totalNorm(gs, normType);
  if (o.errorIfNonfinite && !Number.isFinite(total)) {
    throw new Error(`clipGradNorm: the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped (errorIfNonfinite is set)`);
  }
  const coef = maxNorm / (total + 1e-6);
  // Not `coef < 1`: a NaN norm makes every gradient NaN, as torch.nn.utils.clip_grad_norm_ does.
  if (!(coef >= 1)) for (const g of gs) B().unary(Unary.scale, g, g, coef);
  return total;
}

/** Clamps every gradient element to [-clipValue, clipValue]. */
export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) throw new Error(`clipGradValue: clipValue must be non-negative, got ${shown(clipValue)}`);
  const be = B();
  for (const g of grads(params, 'clipGradValue')) be.unary(Unary.clampAbs, g, g, clipValue);
}
