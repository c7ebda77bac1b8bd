// Gradient clipping: by total L2 norm (returns the norm before clipping) and by value.
import { Tensor } from '../tensor';
import { Unary } from '../backend/backend';
import { B } from '../backend/registry';
import { tensorList } from './optimizer';

function grads(params: Iterable<Tensor>, what: string): Float32Array[] {
  const out: Float32Array[] = [];
  for (const p of tensorList(params, what)) {
    const g = p.gradData();
    if (g) out.push(g);
  }
  return out;
}

/** Scales all gradients so that their joint L2 norm is at most maxNorm; returns the norm before. */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): number {
  if (!(maxNorm > 0)) throw new Error(`clipGradNorm: maxNorm must be positive, got ${maxNorm}`);
  const gs = grads(params, 'clipGradNorm');
  const be = B();
  const total = Math.sqrt(be.sumSquares(gs));
  const coef = maxNorm / (total + 1e-6);
  // Not `coef < 1`: a NaN norm makes every gradient NaN, as torch.nn.utils.clip_grad_norm_ does.
  if (!(coef >= 1)) for (const g of gs) be.unary(Unary.scale, g, g, coef);
  return total;
}

/** Clamps every gradient element to [-clipValue, clipValue]. */
export function clipGradValue(params: Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue >= 0)) throw new Error(`clipGradValue: clipValue must be non-negative, got ${clipValue}`);
  const be = B();
  for (const g of grads(params, 'clipGradValue')) be.unary(Unary.clampAbs, g, g, clipValue);
}
