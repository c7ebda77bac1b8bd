// What the linear-algebra ops (linalg.ts, cholesky.ts) share: batches of square matrices, messages
// naming one of them, and right-hand sides broadcast against them.
import { Tensor } from '../tensor';
import { broadcastShapes, fmt, sameShape } from '../shape';
import { shown } from '../args';
import { alloc, allocOutput } from '../storage';
import { isGradEnabled } from '../autograd';
import { checkTensor, composedOf, record } from './core';
import { narrow } from './join';
import { expand, reshape, squeeze, unsqueeze } from './shape';

/** The matrices of a [..., n, n] tensor: n, how many, and their batch dims; else an error naming `what` and the shape. */
export function squareMatrices(a: Tensor, what: string, name = 'A'): { n: number; count: number; batch: number[] } {
  checkTensor(a, what);
  const s = a.shape;
  if (s.length < 2 || s[s.length - 1] !== s[s.length - 2]) {
    throw new Error(`${what}: ${name} must be a square matrix or a batch of them (shape [..., n, n]), got shape ${fmt(s)}`);
  }
  const batch = s.slice(0, -2);
  return { n: s[s.length - 1], count: batch.reduce((p, d) => p * d, 1), batch };
}

/** The matrices of a [..., m, n] tensor: m, n, k = min(m, n), how many, their batch dims; else an error naming `what` and the shape. */
export function matricesOf(a: Tensor, what: string, name = 'A'): { m: number; n: number; k: number; count: number; batch: number[] } {
  checkTensor(a, what);
  if (a.ndim < 2) throw new Error(`${what}: ${name} must be a matrix or a batch of them (shape [..., m, n]), got shape ${fmt(a.shape)}`);
  const m = a.shape[a.ndim - 2], n = a.shape[a.ndim - 1], batch = a.shape.slice(0, -2);
  return { m, n, k: Math.min(m, n), batch, count: batch.reduce((p, d) => p * d, 1) };
}

/** Where matrix `i` of the batch is, for messages: nothing for a lone matrix. */
export function whichMatrix(i: number, batch: number[]): string {
  if (batch.length === 0) return '';
  const at: number[] = [];
  let rest = i;
  for (let d = batch.length - 1; d >= 0; d--) {
    at.unshift(rest % batch[d]);
    rest = Math.floor(rest / batch[d]);
  }
  return ` (the matrix at batch index [${at.join(', ')}])`;
}

/** count values f(i), in the library's storage (doubles in its float64 mode). */
export function perMatrix(count: number, f: (i: number) => number): Float32Array {
  const out = alloc(count);
  for (let i = 0; i < count; i++) out[i] = f(i);
  return out;
}

/** A solve against same-batch operands: A [..., n, n], B [..., n, k], count matrices of batch dims `batch`. */
export type BatchSolve = (A: Tensor, B: Tensor, n: number, k: number, count: number, batch: number[]) => Tensor;

/**
 * solve(A, B) for A [..., n, n] and B [..., n, k] with their batch dims broadcast, and, where
 * `vectors` allows, B a vector [n] or a batch of them [..., n] (B's dims one fewer than A's and equal
 * to A's but the last: torch.linalg.solve's rule). Errors name `what` and the shapes.
 */
export function solveBroadcast(what: string, A: Tensor, Bm: Tensor, vectors: boolean, solve: BatchSolve): Tensor {
  const { n } = squareMatrices(A, what);
  checkTensor(Bm, what);
  const vector = vectors && (Bm.ndim === 1 || (Bm.ndim === A.ndim - 1 && sameShape(Bm.shape, A.shape.slice(0, -1))));
  if (!vector && (Bm.ndim < 2 || Bm.shape[Bm.ndim - 2] !== n)) {
    throw new Error(`${what}: B must be [..., ${n}, k]${vectors ? ` or a vector of ${n}` : ''} for A of shape ${fmt(A.shape)}, got shape ${fmt(Bm.shape)}`);
  }
  if (vector && Bm.shape[Bm.ndim - 1] !== n) {
    throw new Error(`${what}: the vector B must have ${n} elements for A of shape ${fmt(A.shape)}, got shape ${fmt(Bm.shape)}`);
  }
  return composedOf((own) => {
    const b = vector ? own(unsqueeze(Bm, -1)) : Bm;
    const k = b.shape[b.ndim - 1];
    const batch = broadcastShapes(A.shape.slice(0, -2), b.shape.slice(0, -2), what);
    const a = sameShape(A.shape.slice(0, -2), batch) ? A : own(expand(A, [...batch, n, n]));
    const bb = sameShape(b.shape.slice(0, -2), batch) ? b : own(expand(b, [...batch, n, k]));
    const x = solve(a, bb, n, k, batch.reduce((p, d) => p * d, 1), batch);
    return vector ? squeeze(own(x), -1) : x;
  }, [A, Bm]);
}

/** Options of the `...Ex` functions (choleskyEx, invEx, luFactorEx). */
export interface CheckErrorsOptions {
  /** Throw the plain function's error for a matrix that fails (default false: report it in info). */
  checkErrors?: boolean;
}

/** Whether a result's gradient reached it (recordResults hands zeros to the others). */
export const reached = (g: Float32Array): boolean => g.some((v) => v !== 0);

/**
 * The results of one op (a decomposition's factors: Q and R; eigenvalues and eigenvectors; U, S and
 * V^T) with their shapes. Without a graph they are tensors over `results`; with one, views of one
 * recorded tensor holding them end to end, whose backward gets all their gradients at once (zeros
 * for a result that none reached). `graph`, the same backward in recorded ops (createGraph), gets the
 * gradients and the results as tensors of the results' shapes.
 */
export function recordResults(results: Float32Array[], shapes: number[][], inputs: Tensor[], op: string,
  backward: (grads: Float32Array[]) => Float32Array[], graph?: (grads: Tensor[], outs: Tensor[]) => (Tensor | null)[]): Tensor[] {
  if (!(isGradEnabled() && inputs.some((t) => t.requiresGrad))) return results.map((r, i) => new Tensor(r, shapes[i]));
  const starts = [0];
  for (const r of results) starts.push(starts[starts.length - 1] + r.length);
  const total = starts[results.length];
  const packed = allocOutput(total);
  results.forEach((r, i) => packed.set(r, starts[i]));
  const all = record(packed, [total], inputs, op, (g) => backward(results.map((_, i) => g.subarray(starts[i], starts[i + 1]))));
  const pieces = (t: Tensor) => results.map((r, i) => composedOf((own) => reshape(own(narrow(t, 0, starts[i], r.length)), shapes[i]), [t]));
  const outs = pieces(all);
  if (graph && all.node) all.node.graphBackward = (gy) => graph(pieces(gy), outs);
  return outs;
}

/** An error unless `pivots` is [..., k] with the batch dims of `factor` (named `name`), for the pivots of factorizations. */
export function checkPivotShape(pivots: unknown, factor: Tensor, k: number, what: string, name: string): asserts pivots is Tensor {
  const batch = factor.shape.slice(0, -2);
  if (!(pivots instanceof Tensor) || pivots.ndim !== batch.length + 1 || pivots.shape[batch.length] !== k || batch.some((s, i) => s !== pivots.shape[i])) {
    throw new Error(`${what}: pivots must be [..., ${k}] with ${name}'s batch dims for ${name} of shape ${fmt(factor.shape)}, got ${pivots instanceof Tensor ? `shape ${fmt(pivots.shape)}` : shown(pivots)}`);
  }
}

/** An error unless each of the [..., k] pivots is the 1-based row at or after its step among `rows`, as LAPACK's getrf makes them. */
export function checkPivotRows(pivots: Tensor, k: number, rows: number, what: string): void {
  for (let i = 0; i < pivots.size; i++) {
    const v = pivots.data[i];
    if (!Number.isInteger(v) || v < (i % k) + 1 || v > rows) throw new Error(`${what}: pivots[${i}] = ${v} is not a row at or after ${(i % k) + 1} (1-based) of ${rows}`);
  }
}

/** The error for an op that has no derivative (torch gives none either) when one of `inputs` needs a gradient. */
export function refuseGradient(what: string, inputs: Record<string, Tensor>): void {
  if (!isGradEnabled()) return;
  for (const [name, t] of Object.entries(inputs)) {
    if (t.requiresGrad) throw new Error(`${what}: ${name} requires a gradient, but ${what} has no derivative in it (nor has torch's); pass ${name}.detach()`);
  }
}
