// Optimizer: holds parameters, per-parameter state and hyperparameters, and runs one fused
// multi-tensor kernel per step (backend.optimStep) instead of one call per tensor.
import { Tensor } from '../tensor';
import { OptimHyper } from '../backend/backend';
import { B } from '../backend/registry';
import { alloc } from '../storage';

/** Per-parameter state: named buffers and the number of steps taken. */
export interface ParamState {
  step: number;
  buffers: Float32Array[];
}

/** Optimizer state with its buffers as `B` (plain arrays when serialised, typed arrays inside). */
export interface OptimizerState<B> {
  /** Per parameter, in the optimizer's order: its step count and state buffers (moments...). */
  state: { step: number; buffers: B[] }[];
  /** The hyperparameters (lr included). */
  hyper: Record<string, number | boolean>;
}

/** Serialised optimizer state: plain data, JSON-safe. */
export type OptimizerStateDict = OptimizerState<number[]>;

const EMPTY = new Float32Array(0);

/** The tensors of an iterable such as model.parameters(), each checked; `what` names the caller in errors. */
export function tensorList(params: Iterable<Tensor>, what: string): Tensor[] {
  if (params === null || typeof (params as Partial<Iterable<Tensor>>)?.[Symbol.iterator] !== 'function' || params instanceof Tensor) {
    throw new Error(`${what}: params must be an array (or iterable) of tensors, such as model.parameters(); got ${params instanceof Tensor ? 'a single Tensor' : params === null ? 'null' : typeof params}`);
  }
  const list = [...params];
  list.forEach((p, i) => { if (!(p instanceof Tensor)) throw new Error(`${what}: parameter ${i} is not a Tensor`); });
  return list;
}

export function checkNonNegative(v: number, what: string, arg: string): number {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new Error(`${what}: invalid ${arg}: ${v} (must be a non-negative finite number)`);
  return v;
}

export function checkUnitInterval(v: number, what: string, arg: string): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new Error(`${what}: invalid ${arg}: ${v} (must be in [0, 1))`);
  return v;
}

/**
 * The base of the optimizers: step() updates every parameter from its .grad in one backend call
 * per distinct step count (parameters without a gradient are skipped, as PyTorch does), zeroGrad()
 * clears the gradients, and lr, stateDict() and loadStateDict() work as torch.optim's.
 */
export abstract class Optimizer {
  /** The parameters this optimizer updates. */
  readonly params: Tensor[];
  protected readonly hyper: OptimHyper;
  protected readonly state = new Map<Tensor, ParamState>();
  /** The learning rate of the first step, kept for schedulers. */
  readonly initialLr: number;

  protected constructor(params: Iterable<Tensor>, hyper: Partial<OptimHyper> & { kind: number; lr: number }, what: string) {
    this.params = tensorList(params, what);
    if (this.params.length === 0) throw new Error(`${what}: optimizer got an empty parameter list`);
    const first = new Map<Tensor, number>();
    this.params.forEach((p, i) => {
      if (!p.requiresGrad) throw new Error(`${what}: parameter ${i} (shape [${p.shape.join(', ')}]) does not require grad`);
      // Twice in the list, it would be updated twice per step (PyTorch warns, and will refuse).
      const j = first.get(p);
      if (j !== undefined) throw new Error(`${what}: parameter ${i} (shape [${p.shape.join(', ')}]) is the same tensor as parameter ${j}; give each parameter once`);
      first.set(p, i);
    });
    checkNonNegative(hyper.lr, what, 'learning rate lr');
    this.hyper = {
      weightDecay: 0, momentum: 0, dampening: 0, nesterov: false, beta1: 0.9,
      beta2: 0.999, eps: 1e-8, amsgrad: false, decoupled: false, alpha: 0.99, centered: false, step: 0, lrDecay: 0,
      ...hyper,
      kind: hyper.kind,
      lr: hyper.lr,
    };
    checkNonNegative(this.hyper.weightDecay, what, 'weightDecay');
    this.initialLr = hyper.lr;
  }

  /** Learning rate (read/write; schedulers write it). */
  get lr(): number {
    return this.hyper.lr;
  }

  set lr(v: number) {
    this.hyper.lr = checkNonNegative(v, this.constructor.name, 'learning rate lr');
  }

  /** How many state buffers each parameter needs, and their initial value. */
  protected abstract stateBuffers(): { count: number; init: number };

  /** The parameter's state, created (step 0, buffers at their initial value) on first use. */
  private stateOf(p: Tensor): ParamState {
    let st = this.state.get(p);
    if (!st) {
      const { count, init } = this.stateBuffers();
      st = { step: 0, buffers: Array.from({ length: count }, () => { const b = alloc(p.size); if (init) b.fill(init); return b; }) };
      this.state.set(p, st);
    }
    return st;
  }

  /** Updates every parameter that has a gradient, in one backend call per distinct step count. */
  step(): void {
    const groups = new Map<number, { p: Float32Array[]; g: Float32Array[]; s: Float32Array[][] }>();
    for (const p of this.params) {
      const g = p.gradData();
      if (!g) continue;
      const st = this.stateOf(p);
      st.step++;
      let grp = groups.get(st.step);
      if (!grp) groups.set(st.step, (grp = { p: [], g: [], s: [[], [], []] }));
      grp.p.push(p.data);
      grp.g.push(g);
      for (let k = 0; k < 3; k++) grp.s[k].push(st.buffers[k] ?? EMPTY);
    }
    const be = B();
    for (const [step, grp] of groups) {
      be.optimStep({ ...this.hyper, step }, grp.p, grp.g, grp.s[0], grp.s[1], grp.s[2]);
    }
  }

  /**
   * @internal For the fused native plan: the per-parameter state buffers, created where missing,
   * and the step count they share; null when parameters are at different steps.
   */
  fusedState(): { hyper: OptimHyper; s: Float32Array[][] } | null {
    const steps = new Set(this.params.map((p) => this.state.get(p)?.step ?? 0));
    if (steps.size !== 1) return null;
    const s: Float32Array[][] = [[], [], []];
    for (const p of this.params) {
      const st = this.stateOf(p);
      for (let k = 0; k < 3; k++) s[k].push(st.buffers[k] ?? EMPTY);
    }
    return { hyper: { ...this.hyper, step: [...steps][0] }, s };
  }

  /** @internal Records `n` steps taken by the fused native plan. */
  advanceSteps(n: number): void {
    for (const p of this.params) {
      const st = this.state.get(p);
      if (st) st.step += n;
    }
  }

  /** Clears the gradients (to null, PyTorch's default set_to_none). */
  zeroGrad(): void {
    for (const p of this.params) p.releaseGrad();
  }

  /** State and hyperparameters, in parameter order, as plain JSON-safe data. */
  stateDict(): OptimizerStateDict {
    const v = this.stateView();
    return { state: v.state.map((s) => ({ step: s.step, buffers: s.buffers.map((b) => Array.from(b)) })), hyper: v.hyper };
  }

  /** @internal stateDict() with the buffers the optimizer holds, not copies (checkpoints write them as they are). */
  stateView(): OptimizerState<Float32Array> {
    const state = this.params.map((p) => {
      const st = this.state.get(p);
      return st ? { step: st.step, buffers: st.buffers } : { step: 0, buffers: [] };
    });
    const hyper: Record<string, number | boolean> = {};
    for (const [k, v] of Object.entries(this.hyper)) hyper[k] = v;
    return { state, hyper };
  }

  /** Restores what stateDict() returned (buffers as plain or typed arrays), so that training resumes exactly. */
  loadStateDict(dict: OptimizerState<ArrayLike<number>>): void {
    if (!dict || !Array.isArray(dict.state)) throw new Error(`${this.constructor.name}.loadStateDict: expected { state, hyper }`);
    if (dict.state.length !== this.params.length) {
      throw new Error(`${this.constructor.name}.loadStateDict: state has ${dict.state.length} parameters, the optimizer has ${this.params.length}`);
    }
    if (dict.hyper.kind !== undefined && dict.hyper.kind !== this.hyper.kind) {
      throw new Error(`${this.constructor.name}.loadStateDict: the state was saved by a different optimizer kind`);
    }
    dict.state.forEach((s, i) => {
      const p = this.params[i];
      if (s.step === 0) { this.state.delete(p); return; }
      s.buffers.forEach((b, k) => {
        if (b.length !== p.size) throw new Error(`${this.constructor.name}.loadStateDict: buffer ${k} of parameter ${i} has ${b.length} values, the parameter has ${p.size}`);
      });
      this.state.set(p, { step: s.step, buffers: s.buffers.map((b) => { const a = alloc(b.length); a.set(b); return a; }) });
    });
    Object.assign(this.hyper, dict.hyper);
  }
}
