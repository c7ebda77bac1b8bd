// L-BFGS as torch.optim.LBFGS (torch/optim/lbfgs.py, itself from minFunc): each step(closure) runs up
// to maxIter quasi-Newton iterations over all parameters as one flat vector, re-evaluating the
// closure, with a fixed step or torch's strong-Wolfe line search. The vectors (direction, gradient,
// the history of steps and gradient changes) are float32 as torch's; dot products and the scalars
// between them are taken in double, where torch keeps float32 0-d tensors (its dots sum in float32 in
// BLAS's order), so iterates agree with torch's to float32 rounding, not bit for bit.
import { Tensor } from '../tensor';
import { enableGrad } from '../autograd';
import { checkNonNegative, isPlainObject, optionsOf, OptionKinds, shown } from '../args';
import { Binary, OptimKind, Reduce, Unary } from '../backend/backend';
import { B } from '../backend/registry';
import { Optimizer, OptimizerState, OptimizerStateDict } from './optimizer';

/** Options of LBFGS (torch.optim.LBFGS's, camel-cased). */
export interface LBFGSOptions {
  /** Learning rate: the step length before any line search (default 1). */
  lr?: number;
  /** Iterations per step() at most (default 20). */
  maxIter?: number;
  /** Closure evaluations per step() at most (default maxIter * 5 / 4, rounded down). */
  maxEval?: number;
  /** Stop when every gradient entry is at most this in size (default 1e-7). */
  toleranceGrad?: number;
  /** Stop when the loss or the parameters change by less than this (default 1e-9). */
  toleranceChange?: number;
  /** Steps and gradient changes remembered (default 100). */
  historySize?: number;
  /** 'strong_wolfe' for torch's line search, or null (the default) for a fixed step of lr. */
  lineSearchFn?: 'strong_wolfe' | null;
}

const LBFGS_OPTIONS: OptionKinds<LBFGSOptions> = {
  lr: 'value', maxIter: 'value', maxEval: 'value', toleranceGrad: 'value', toleranceChange: 'value', historySize: 'value', lineSearchFn: 'value',
};

/** What LBFGS remembers between steps (torch keeps the same on its first parameter's state). */
interface LBFGSMemory {
  funcEvals: number;
  nIter: number;
  d: Float32Array | null;
  t: number;
  oldDirs: Float32Array[];
  oldStps: Float32Array[];
  ro: number[];
  hDiag: number;
  prevFlatGrad: Float32Array | null;
  prevLoss: number | null;
}

/** LBFGS's state dict: the base's fields and its memory (vectors as plain arrays). */
export interface LBFGSStateDict extends OptimizerStateDict {
  /** The iteration and evaluation counts, direction, step length and history; null before the first step. */
  lbfgs: {
    funcEvals: number; nIter: number; d: number[] | null; t: number; oldDirs: number[][]; oldStps: number[][]; ro: number[];
    hDiag: number; prevFlatGrad: number[] | null; prevLoss: number | null;
  } | null;
}

/** A loss as a number: a one-element tensor's value, or the number itself. */
function lossValue(loss: Tensor | number): number {
  if (typeof loss === 'number') return loss;
  if (!(loss instanceof Tensor) || loss.size !== 1) throw new Error(`LBFGS.step: the closure must return the loss (a one-element Tensor or a number), got ${loss instanceof Tensor ? `a tensor of shape [${loss.shape.join(', ')}]` : shown(loss)}`);
  return loss.data[0];
}

/** a . b in double, by the backend (native: vectorized and threaded; each iteration takes 2 historySize of them). */
function dot(a: Float32Array, b: Float32Array): number {
  return B().sumProducts(a, b);
}

/** max |a_i| (0 for none) by the backend's max and min reductions: a NaN in a gives NaN, as torch's max. */
function absMax(a: Float32Array): number {
  if (a.length === 0) return 0;
  const out = new Float32Array(1);
  B().reduce(Reduce.max, a, 1, a.length, 1, out, null);
  const hi = out[0];
  B().reduce(Reduce.min, a, 1, a.length, 1, out, null);
  return Math.max(hi, -out[0]);
}

// The vectors' element-wise steps by the backend's kernels (JavaScript maps over 800k floats were a
// third of a step, and made the garbage the collector then spent another tenth on). Each element is
// one float operation, rounded once: the maps' bits (a JavaScript product of two floats in double,
// then rounded to float, is the float product).

/** v * c, c rounded to float; -v when c is -1. */
function scaled(v: Float32Array, c: number): Float32Array {
  const out = new Float32Array(v.length);
  if (c === -1) B().unary(Unary.neg, v, out, 0);
  else B().unary(Unary.scale, v, out, Math.fround(c));
  return out;
}

/** a - b. */
function difference(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  const unit = Int32Array.of(1);
  B().binary(Binary.sub, a, unit, b, unit, out, Int32Array.of(a.length));
  return out;
}

/** a += alpha * b by the backend's axpy, alpha rounded to float (torch's add_ with alpha: a float there too). */
function addScaled(a: Float32Array, b: Float32Array, alpha: number): void {
  B().axpy(Math.fround(alpha), b, a);
}

/**
 * torch's _cubic_interpolate: the minimum of the cubic through (x1, f1) and (x2, f2) with slopes g1
 * and g2, within bounds (default the two points), or the bounds' middle without a real minimum.
 */
function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

/** The loss and flat gradient at x + t d (the parameters are put back to x after). */
type Directional = (t: number) => { loss: number; grad: Float32Array };

/**
 * torch's _strong_wolfe line search from step t along d (loss f, gradient g, slope gtd at t = 0):
 * the loss, gradient and step it settles on, and the evaluations it made.
 */
function strongWolfe(evaluate: Directional, tStart: number, d: Float32Array, f: number, g: Float32Array, gtd: number,
  c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25): { loss: number; grad: Float32Array; t: number; evals: number } {
  let t = tStart;
  const dNorm = absMax(d);
  let { loss: fNew, grad: gNew } = evaluate(t);
  let evals = 1;
  let gtdNew = dot(gNew, d);
  let tPrev = 0, fPrev = f, gPrev = g, gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [], bracketF: number[] = [], bracketG: Float32Array[] = [], bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    const minStep = t + 0.01 * (t - tPrev), maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    [tPrev, fPrev, gPrev, gtdPrev] = [tmp, fNew, gNew, gtdNew];
    ({ loss: fNew, grad: gNew } = evaluate(t));
    evals++;
    gtdNew = dot(gNew, d);
    lsIter++;
  }
  if (lsIter === maxLs) [bracket, bracketF, bracketG] = [[0, t], [f, fNew], [g, gNew]];
  // Zoom: refine the bracket until a point meets the conditions.
  let insufficientProgress = false;
  let [low, high] = bracketF[0] <= bracketF[bracketF.length - 1] ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);
    const top = Math.max(...bracket), bottom = Math.min(...bracket);
    const eps = 0.1 * (top - bottom);
    if (Math.min(top - t, t - bottom) < eps) {
      // Close to an end: after a step of little progress, or at an end, move a tenth inside.
      if (insufficientProgress || t >= top || t <= bottom) {
        t = Math.abs(t - top) < Math.abs(t - bottom) ? top - eps : bottom + eps;
        insufficientProgress = false;
      } else {
        insufficientProgress = true;
      }
    } else {
      insufficientProgress = false;
    }
    ({ loss: fNew, grad: gNew } = evaluate(t));
    evals++;
    gtdNew = dot(gNew, d);
    lsIter++;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[low]) {
      [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [t, fNew, gNew, gtdNew];
      [low, high] = bracketF[0] <= bracketF[1] ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (bracket[high] - bracket[low]) >= 0) {
        [bracket[high], bracketF[high], bracketG[high], bracketGtd[high]] = [bracket[low], bracketF[low], bracketG[low], bracketGtd[low]];
      }
      [bracket[low], bracketF[low], bracketG[low], bracketGtd[low]] = [t, fNew, gNew, gtdNew];
    }
  }
  return { loss: bracketF[low], grad: bracketG[low], t: bracket[low], evals };
}

/**
 * L-BFGS as torch.optim.LBFGS: `step(closure)` re-evaluates the model through the closure (which
 * clears the gradients, computes the loss, calls backward and returns the loss) as often as the
 * iterations and the line search need, and returns the closure's first loss. One param group only,
 * as torch. It keeps (historySize + 2) float32 copies of all parameters; its vector arithmetic runs
 * in the backend's kernels (dot products by sumProducts, in double), a pass over memory each.
 */
export class LBFGS extends Optimizer {
  /** Iterations per step() at most. */
  readonly maxIter: number;
  /** Closure evaluations per step() at most. */
  readonly maxEval: number;
  /** Stop when every gradient entry is at most this in size. */
  readonly toleranceGrad: number;
  /** Stop when the loss or the parameters change by less than this. */
  readonly toleranceChange: number;
  /** Steps and gradient changes remembered. */
  readonly historySize: number;
  /** 'strong_wolfe', or null for a fixed step of lr. */
  readonly lineSearchFn: 'strong_wolfe' | null;
  private memory: LBFGSMemory | null = null;
  private readonly numel: number;

  constructor(params: Iterable<Tensor>, options?: LBFGSOptions) {
    const o = optionsOf(options, 'LBFGS', LBFGS_OPTIONS);
    super(params, () => ({ hyper: { kind: OptimKind.sgd, lr: o.lr ?? 1 }, buffers: () => ({ count: 0, init: 0 }) }), 'LBFGS');
    if (this.paramGroups.length !== 1) throw new Error("LBFGS: doesn't support per-parameter options (parameter groups)");
    const count = (v: unknown, name: string, fallback: number): number => {
      const n = v ?? fallback;
      if (!Number.isInteger(n) || (n as number) < 1) throw new Error(`LBFGS: ${name} must be a positive integer, got ${shown(v)}`);
      return n as number;
    };
    this.maxIter = count(o.maxIter, 'maxIter', 20);
    this.maxEval = count(o.maxEval, 'maxEval', Math.floor((this.maxIter * 5) / 4));
    this.historySize = count(o.historySize, 'historySize', 100);
    this.toleranceGrad = checkNonNegative(o.toleranceGrad ?? 1e-7, 'LBFGS', 'toleranceGrad');
    this.toleranceChange = checkNonNegative(o.toleranceChange ?? 1e-9, 'LBFGS', 'toleranceChange');
    const ls = o.lineSearchFn ?? null;
    if (ls !== null && ls !== 'strong_wolfe') throw new Error(`LBFGS: lineSearchFn must be 'strong_wolfe' or null, got ${shown(ls)}`);
    this.lineSearchFn = ls;
    this.numel = this.params.reduce((n, p) => n + p.size, 0);
  }

  /** The parameters' gradients as one float32 vector (zeros where a parameter has none). */
  private flatGrad(): Float32Array {
    const flat = new Float32Array(this.numel);
    let at = 0;
    for (const p of this.params) {
      const g = p.gradData();
      if (g) flat.set(g, at);
      at += p.size;
    }
    return flat;
  }

  /** Every parameter += t * its part of d (in float32, as torch's add_ with alpha). */
  private addToParams(t: number, d: Float32Array): void {
    let at = 0;
    for (const p of this.params) {
      addScaled(p.data, d.subarray(at, at + p.size), t);
      at += p.size;
    }
  }

  /** The fused native plan does not run LBFGS: fit() trains it eagerly, where step() asks for a closure. */
  override fusedState(): null {
    return null;
  }

  /**
   * Up to maxIter L-BFGS iterations; `closure` clears the gradients, evaluates the model, calls
   * backward() and returns the loss (run with gradients enabled, as torch's). Returns the loss of its
   * first evaluation.
   */
  override step(closure?: () => Tensor | number): Tensor | number {
    if (typeof closure !== 'function') throw new Error('LBFGS.step: needs a closure that clears the gradients, evaluates the model, calls backward() and returns the loss (torch\'s LBFGS.step(closure)); fit() cannot give one');
    const evaluate = (): number => lossValue(enableGrad(closure));
    const lr = this.lr;
    const m = (this.memory ??= { funcEvals: 0, nIter: 0, d: null, t: 0, oldDirs: [], oldStps: [], ro: [], hDiag: 1, prevFlatGrad: null, prevLoss: null });
    const origLoss = enableGrad(closure);
    let loss = lossValue(origLoss);
    let currentEvals = 1;
    m.funcEvals++;
    let flatGrad = this.flatGrad();
    if (absMax(flatGrad) <= this.toleranceGrad) return origLoss;
    let d = m.d, t = m.t;
    let nIter = 0;
    while (nIter < this.maxIter) {
      nIter++;
      m.nIter++;
      if (m.nIter === 1) {
        d = scaled(flatGrad, -1);
        [m.oldDirs, m.oldStps, m.ro, m.hDiag] = [[], [], [], 1];
      } else {
        // Update the memory with the last step s and the gradient's change y.
        const y = difference(flatGrad, m.prevFlatGrad!);
        const tf = Math.fround(t);
        const s = scaled(d!, tf);
        const ys = dot(y, s);
        if (ys > 1e-10) {
          if (m.oldDirs.length === this.historySize) {
            m.oldDirs.shift();
            m.oldStps.shift();
            m.ro.shift();
          }
          m.oldDirs.push(y);
          m.oldStps.push(s);
          m.ro.push(1 / ys);
          m.hDiag = ys / dot(y, y);
        }
        // The two-loop recursion: the inverse Hessian estimate times the negative gradient.
        const al = new Array<number>(m.oldDirs.length);
        const q = scaled(flatGrad, -1);
        for (let i = m.oldDirs.length - 1; i >= 0; i--) {
          al[i] = dot(m.oldStps[i], q) * m.ro[i];
          addScaled(q, m.oldDirs[i], -al[i]);
        }
        const hDiag = Math.fround(m.hDiag);
        const r = scaled(q, hDiag);
        for (let i = 0; i < m.oldDirs.length; i++) {
          const be = dot(m.oldDirs[i], r) * m.ro[i];
          addScaled(r, m.oldStps[i], al[i] - be);
        }
        d = r;
      }
      m.prevFlatGrad = flatGrad.slice();
      m.prevLoss = loss;
      t = m.nIter === 1 ? Math.min(1, 1 / B().sumAbs([flatGrad])) * lr : lr;
      const gtd = dot(flatGrad, d!);
      if (gtd > -this.toleranceChange) break;
      let lsEvals = 0;
      let optimal = false;
      if (this.lineSearchFn === 'strong_wolfe') {
        const x = this.params.map((p) => p.data.slice());
        const directional: Directional = (step) => {
          this.addToParams(step, d!);
          const value = evaluate();
          const grad = this.flatGrad();
          this.params.forEach((p, i) => p.data.set(x[i]));
          return { loss: value, grad };
        };
        const found = strongWolfe(directional, t, d!, loss, flatGrad, gtd, 1e-4, 0.9, this.toleranceChange);
        [loss, flatGrad, t, lsEvals] = [found.loss, found.grad, found.t, found.evals];
        this.addToParams(t, d!);
        optimal = absMax(flatGrad) <= this.toleranceGrad;
      } else {
        this.addToParams(t, d!);
        if (nIter !== this.maxIter) {
          // Not after the last iteration: in a stochastic setting the loss there is of no use.
          loss = evaluate();
          flatGrad = this.flatGrad();
          optimal = absMax(flatGrad) <= this.toleranceGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      m.funcEvals += lsEvals;
      if (nIter === this.maxIter || currentEvals >= this.maxEval || optimal) break;
      const tf = Math.fround(t);
      // max |fround(d_i tf)| is fround(max |d_i| |tf|): rounding keeps the order.
      if (Math.fround(absMax(d!) * Math.abs(tf)) <= this.toleranceChange) break;
      if (Math.abs(loss - m.prevLoss) < this.toleranceChange) break;
    }
    [m.d, m.t] = [d, t];
    return origLoss;
  }

  /** The base's state dict with LBFGS's memory (null before the first step). */
  override stateDict(): LBFGSStateDict {
    const m = this.memory;
    const plain = (a: Float32Array | null) => (a ? Array.from(a) : null);
    return {
      ...super.stateDict(),
      hyper: this.hyperOf(),
      lbfgs: m && {
        funcEvals: m.funcEvals, nIter: m.nIter, d: plain(m.d), t: m.t, oldDirs: m.oldDirs.map((v) => Array.from(v)), oldStps: m.oldStps.map((v) => Array.from(v)),
        ro: [...m.ro], hDiag: m.hDiag, prevFlatGrad: plain(m.prevFlatGrad), prevLoss: m.prevLoss,
      },
    };
  }

  /** The options as hyperparameters (lineSearchFn as strongWolfe: true / false). */
  private hyperOf(): Record<string, number | boolean> {
    return { lr: this.lr, maxIter: this.maxIter, maxEval: this.maxEval, toleranceGrad: this.toleranceGrad, toleranceChange: this.toleranceChange,
      historySize: this.historySize, strongWolfe: this.lineSearchFn === 'strong_wolfe' };
  }

  /** Restores what stateDict() gave: lr and the memory (the other options are the constructor's). */
  override loadStateDict(dict: OptimizerState<ArrayLike<number>>): void {
    const what = 'LBFGS.loadStateDict';
    if (!isPlainObject(dict)) throw new Error(`${what}: expected LBFGS's state dict, got ${shown(dict)}`);
    const lr = (dict.hyper as Record<string, unknown> | undefined)?.lr;
    if (typeof lr !== 'number' || !(lr >= 0)) throw new Error(`${what}: hyper.lr must be a non-negative number, got ${shown(lr)}`);
    const saved = (dict as Partial<LBFGSStateDict>).lbfgs ?? null;
    let memory: LBFGSMemory | null = null;
    if (saved !== null) {
      if (!isPlainObject(saved)) throw new Error(`${what}: lbfgs must be an object or null, got ${shown(saved)}`);
      const vector = (v: unknown, name: string): Float32Array => {
        if (!(Array.isArray(v) || ArrayBuffer.isView(v)) || (v as ArrayLike<number>).length !== this.numel) {
          throw new Error(`${what}: lbfgs.${name} must be ${this.numel} numbers (all parameters' elements), got ${shown(v)}`);
        }
        return Float32Array.from(v as ArrayLike<number>);
      };
      const num = (v: unknown, name: string): number => {
        if (typeof v !== 'number') throw new Error(`${what}: lbfgs.${name} must be a number, got ${shown(v)}`);
        return v;
      };
      const list = (v: unknown, name: string): unknown[] => {
        if (!Array.isArray(v)) throw new Error(`${what}: lbfgs.${name} must be an array, got ${shown(v)}`);
        return v;
      };
      const oldDirs = list(saved.oldDirs, 'oldDirs').map((v, i) => vector(v, `oldDirs[${i}]`));
      const oldStps = list(saved.oldStps, 'oldStps').map((v, i) => vector(v, `oldStps[${i}]`));
      const ro = list(saved.ro, 'ro').map((v, i) => num(v, `ro[${i}]`));
      if (oldStps.length !== oldDirs.length || ro.length !== oldDirs.length) throw new Error(`${what}: lbfgs.oldDirs, oldStps and ro must be as long as one another, got ${oldDirs.length}, ${oldStps.length} and ${ro.length}`);
      memory = {
        funcEvals: num(saved.funcEvals, 'funcEvals'), nIter: num(saved.nIter, 'nIter'), d: saved.d === null ? null : vector(saved.d, 'd'), t: num(saved.t, 't'),
        oldDirs, oldStps, ro, hDiag: num(saved.hDiag, 'hDiag'), prevFlatGrad: saved.prevFlatGrad === null ? null : vector(saved.prevFlatGrad, 'prevFlatGrad'),
        prevLoss: saved.prevLoss === null ? null : num(saved.prevLoss, 'prevLoss'),
      };
    }
    this.lr = lr;
    this.memory = memory;
  }
}
