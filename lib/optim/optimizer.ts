// Optimizer: holds parameters, per-parameter state and hyperparameters, and runs one fused
// multi-tensor kernel per step (backend.optimStep) instead of one call per tensor.
import { Tensor } from '../tensor';
import { OptimHyper } from '../backend/backend';
import { B } from '../backend/registry';
import { stateAlloc } from '../storage';
import { checkNonNegative, isPlainObject, shown } from '../args';
import { assertNotInEpoch } from '../worker_owned';

/** Per-parameter state: named buffers and the number of steps taken. */
export interface ParamState {
  step: number;
  buffers: Float32Array[];
}

/** Optimizer state with its buffers as `B` (plain arrays when serialised, typed arrays inside). */
export interface OptimizerState<B> {
  /** Per parameter, in the optimizer's order: its step count and state buffers (moments...). */
  state: { step: number; buffers: B[] }[];
  /** The hyperparameters (lr included); the first group's when there are several. */
  hyper: Record<string, number | boolean>;
  /** Each param group's size and hyperparameters, when there is more than one group. */
  groups?: { size: number; hyper: Record<string, number | boolean> }[];
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

export { checkNonNegative } from '../args';

export function checkUnitInterval(v: number, what: string, arg: string): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new Error(`${what}: invalid ${arg}: ${v} (must be in [0, 1))`);
  return v;
}

/** Parameters with options of their own (torch's param groups), e.g. `{ params: biases, weightDecay: 0 }`. */
export type ParamGroupInput<O> = { params: Iterable<Tensor> } & Partial<O>;

/** What an optimizer updates: tensors (one group), or param groups whose options override the defaults. */
export type OptimizerParams<O> = Iterable<Tensor> | readonly ParamGroupInput<O>[];

/** The hyperparameters of a group as an optimizer builds them, and its state buffers. */
export interface GroupSpec {
  hyper: Partial<OptimHyper> & { kind: number; lr: number };
  /**
   * How many state buffers each parameter needs, and their initial value, given the hyperparameters
   * in force (a scheduler may turn SGD's momentum on).
   */
  buffers: (h: OptimHyper) => BufferSpec;
  /** Sets what a step's hyperparameters need besides its count (NAdam's product of coefficients), given h.step, the step about to run. */
  beforeStep?: (h: OptimHyper) => void;
}

/** How many state buffers a parameter needs, and their initial value (one for all, or one each). */
export interface BufferSpec {
  count: number;
  init: number | readonly number[];
}

/** @internal Every hyperparameter but the kind and lr, at the value a kind that does not set it leaves (torch's defaults where it has one). */
export const HYPER_DEFAULTS: Omit<OptimHyper, 'kind' | 'lr'> = {
  weightDecay: 0, momentum: 0, dampening: 0, nesterov: false, beta1: 0.9, beta2: 0.999, eps: 1e-8, amsgrad: false, decoupled: false,
  alpha: 0.99, centered: false, step: 0, lrDecay: 0, maximize: false, momentumDecay: 4e-3, muProduct: 1, rho: 0.9, etaMinus: 0.5,
  etaPlus: 1.2, stepSizeMin: 1e-6, stepSizeMax: 50, lambd: 1e-4, power: 0.75, t0: 1e6,
};

/** One param group of an optimizer: its parameters and their hyperparameters (lr read/write). */
export class ParamGroup {
  /** The group's parameters. */
  readonly params: Tensor[];
  /** @internal The group's hyperparameters, as the kernels take them. */
  readonly hyper: OptimHyper;
  /** @internal The state buffers each parameter of the group needs, given its hyperparameters now. */
  readonly buffers: (h: OptimHyper) => BufferSpec;
  /** @internal See GroupSpec.beforeStep. */
  readonly beforeStep: ((h: OptimHyper) => void) | undefined;
  /** @internal The lr before any scheduler changed it (torch's initial_lr), set by the first scheduler. */
  initialLr: number | null = null;
  /** @internal */
  constructor(params: Tensor[], spec: GroupSpec, private readonly what: string) {
    this.params = params;
    this.buffers = spec.buffers;
    this.beforeStep = spec.beforeStep;
    checkNonNegative(spec.hyper.lr, what, 'learning rate lr');
    this.hyper = { ...HYPER_DEFAULTS, ...spec.hyper };
    checkNonNegative(this.hyper.weightDecay, what, 'weightDecay');
  }

  /** The group's learning rate (schedulers write it). */
  get lr(): number {
    return this.hyper.lr;
  }

  set lr(v: number) {
    this.hyper.lr = checkNonNegative(v, this.what, 'learning rate lr');
  }
}

// Tensors, or param groups: a list whose entries are all objects with a `params` field.
function groupInputs<O>(params: OptimizerParams<O>, what: string): { params: Tensor[]; options: Partial<O> }[] {
  const isGroup = (v: unknown): v is ParamGroupInput<O> => typeof v === 'object' && v !== null && !(v instanceof Tensor) && 'params' in v;
  const list = params !== null && typeof (params as Partial<Iterable<unknown>>)?.[Symbol.iterator] === 'function' && !(params instanceof Tensor)
    ? [...(params as Iterable<unknown>)] : null;
  if (!list || !list.some(isGroup)) return [{ params: tensorList(params as Iterable<Tensor>, what), options: {} }];
  return list.map((g, i) => {
    if (!isGroup(g)) throw new Error(`${what}: entry ${i} of the param groups is not a group ({ params, ...options }); give all tensors or all groups`);
    const { params: ps, ...options } = g;
    return { params: tensorList(ps, `${what}: param group ${i}`), options: options as Partial<O> };
  });
}

/**
 * The base of the optimizers: step() updates every parameter from its .grad in one backend call
 * per param group and distinct step count (parameters without a gradient are skipped, as PyTorch
 * does), zeroGrad() clears the gradients, and lr, paramGroups, stateDict() and loadStateDict() work
 * as torch.optim's.
 */
export abstract class Optimizer {
  /** The parameters this optimizer updates (every group's, in order). */
  readonly params: Tensor[];
  /** The param groups (one unless the constructor was given groups); each has its own lr. */
  readonly paramGroups: ParamGroup[];
  protected readonly state = new Map<Tensor, ParamState>();

  protected constructor(params: OptimizerParams<object>, build: (groupOptions: object) => GroupSpec, what: string) {
    // JavaScript can call the base directly, which has no update rule of its own.
    if (typeof build !== 'function') throw new Error('Optimizer: the base class has no update rule; construct one such as optim.SGD or optim.Adam');
    this.paramGroups = groupInputs(params, what).map((g) => new ParamGroup(g.params, build(g.options), what));
    this.params = this.paramGroups.flatMap((g) => g.params);
    if (this.params.length === 0) throw new Error(`${what}: optimizer got an empty parameter list`);
    const first = new Map<Tensor, number>();
    this.params.forEach((p, i) => {
      // A parameter that does not require grad (frozen) is accepted and skipped, as in torch: it
      // never gets a gradient. A computed tensor is refused, as torch refuses it.
      if (!p.isLeaf) throw new Error(`${what}: parameter ${i} (shape [${p.shape.join(', ')}]) is not a leaf (it was computed from other tensors); optimize the tensors it came from, or a detach()ed copy with requiresGrad`);
      // Twice in the list, it would be updated twice per step (PyTorch warns, and will refuse).
      const j = first.get(p);
      if (j !== undefined) throw new Error(`${what}: parameter ${i} (shape [${p.shape.join(', ')}]) is the same tensor as parameter ${j}; give each parameter once`);
      first.set(p, i);
    });
  }

  /** @internal The first group's hyperparameters (all of them with one group). */
  protected get hyper(): OptimHyper {
    return this.paramGroups[0].hyper;
  }

  /** Learning rate: the first group's when read; written, it sets every group's. */
  get lr(): number {
    return this.paramGroups[0].lr;
  }

  set lr(v: number) {
    for (const g of this.paramGroups) g.lr = v;
  }

  /** The parameter's state, created (step 0, buffers at their initial value) on first use. */
  private stateOf(p: Tensor, group: ParamGroup): ParamState {
    let st = this.state.get(p);
    const { count, init } = group.buffers(group.hyper);
    if (!st) {
      st = { step: 0, buffers: Array.from({ length: count }, (_, k) => {
        const b = stateAlloc(p.size);
        const v = typeof init === 'number' ? init : init[k];
        if (v) b.fill(v);
        return b;
      }) };
      this.state.set(p, st);
    }
    // A buffer turned on after the first step (momentum set by OneCycleLR) starts at zero: the
    // next update is then (1 - dampening) * g where torch's first would be g.
    while (st.buffers.length < count) st.buffers.push(stateAlloc(p.size));
    return st;
  }

  /** Updates every parameter that has a gradient, in one backend call per group and distinct step count. */
  step(): void {
    assertNotInEpoch(this.params, `${this.constructor.name}.step`);
    const be = B();
    for (const group of this.paramGroups) {
      const calls = new Map<number, { p: Float32Array[]; g: Float32Array[]; s: Float32Array[][] }>();
      for (const p of group.params) {
        const g = p.gradData();
        if (!g) continue;
        const st = this.stateOf(p, group);
        st.step++;
        let call = calls.get(st.step);
        if (!call) calls.set(st.step, (call = { p: [], g: [], s: [[], [], []] }));
        call.p.push(p.data);
        call.g.push(g);
        for (let k = 0; k < 3; k++) call.s[k].push(st.buffers[k] ?? EMPTY);
      }
      for (const [step, call] of calls) {
        const h = { ...group.hyper, step };
        group.beforeStep?.(h);
        be.optimStep(h, call.p, call.g, call.s[0], call.s[1], call.s[2]);
      }
    }
  }

  /**
   * @internal For the fused native plan: the per-parameter state buffers, created where missing,
   * and the step count they share; null when parameters are at different steps or in several groups.
   */
  fusedState(): { hyper: OptimHyper; s: Float32Array[][] } | null {
    // The native plan takes one set of hyperparameters: groups train on the eager loop.
    if (this.paramGroups.length !== 1) return null;
    const steps = new Set(this.params.map((p) => this.state.get(p)?.step ?? 0));
    if (steps.size !== 1) return null;
    const s: Float32Array[][] = [[], [], []];
    for (const p of this.params) {
      const st = this.stateOf(p, this.paramGroups[0]);
      for (let k = 0; k < 3; k++) s[k].push(st.buffers[k] ?? EMPTY);
    }
    // The plan's steps run from the next one on: what that step needs, then the count done so far.
    const done = [...steps][0];
    const hyper = { ...this.hyper, step: done + 1 };
    this.paramGroups[0].beforeStep?.(hyper);
    hyper.step = done;
    return { hyper, s };
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
    return { ...v, state: v.state.map((s) => ({ step: s.step, buffers: s.buffers.map((b) => Array.from(b)) })) };
  }

  /** @internal stateDict() with the buffers the optimizer holds, not copies (checkpoints write them as they are). */
  stateView(): OptimizerState<Float32Array> {
    const state = this.params.map((p) => {
      const st = this.state.get(p);
      return st ? { step: st.step, buffers: st.buffers } : { step: 0, buffers: [] };
    });
    const copy = (h: OptimHyper): Record<string, number | boolean> => ({ ...h });
    const groups = this.paramGroups.length > 1 ? this.paramGroups.map((g) => ({ size: g.params.length, hyper: copy(g.hyper) })) : undefined;
    return { state, hyper: copy(this.hyper), ...(groups && { groups }) };
  }

  /**
   * Restores what stateDict() returned (buffers as plain or typed arrays), so that training resumes
   * exactly. The whole dict is checked before anything changes: a bad entry leaves the optimizer as
   * it was.
   */
  loadStateDict(dict: OptimizerState<ArrayLike<number>>): void {
    const what = `${this.constructor.name}.loadStateDict`;
    assertNotInEpoch(this.params, what);
    if (!isPlainObject(dict) || !Array.isArray(dict.state)) throw new Error(`${what}: expected { state, hyper }, got ${shown(dict)}`);
    if (dict.state.length !== this.params.length) {
      throw new Error(`${what}: state has ${dict.state.length} parameters, the optimizer has ${this.params.length}`);
    }
    // Hyperparameters are merged into the groups' own: only names this optimizer has, each of the
    // type it has (a string lr, or null where JSON wrote NaN, would reach the update as NaN).
    const checkHyper = (h: unknown, where: string): Record<string, number | boolean> => {
      if (!isPlainObject(h)) throw new Error(`${what}: ${where} must be an object of hyperparameters, got ${shown(h)}`);
      const mine = this.hyper as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(h)) {
        if (!(k in mine)) throw new Error(`${what}: ${where} has '${k}', which is not a hyperparameter of ${this.constructor.name}`);
        if (typeof v !== typeof mine[k] || (typeof v === 'number' && Number.isNaN(v))) {
          throw new Error(`${what}: ${where}.${k} must be a ${typeof mine[k]}${typeof mine[k] === 'number' ? ' (not NaN)' : ''}, got ${shown(v)}`);
        }
      }
      return h as Record<string, number | boolean>;
    };
    const hyper = checkHyper(dict.hyper, 'hyper');
    if (hyper.kind !== undefined && hyper.kind !== this.hyper.kind) {
      throw new Error(`${what}: the state was saved by a different optimizer kind`);
    }
    if (dict.groups !== undefined && !Array.isArray(dict.groups)) throw new Error(`${what}: groups must be an array of { size, hyper }, got ${shown(dict.groups)}`);
    const groups = (dict.groups ?? [{ size: this.params.length, hyper }]).map((g: unknown, i) => {
      if (!isPlainObject(g)) throw new Error(`${what}: groups[${i}] must be { size, hyper }, got ${shown(g)}`);
      return { size: g.size, hyper: checkHyper(g.hyper, `groups[${i}].hyper`) };
    });
    if (groups.length !== this.paramGroups.length || groups.some((g, i) => g.size !== this.paramGroups[i].params.length)) {
      throw new Error(`${what}: the state has param groups of ${groups.map((g) => shown(g.size)).join(', ')} parameters, the optimizer ${this.paramGroups.map((g) => g.params.length).join(', ')}`);
    }
    dict.state.forEach((s: unknown, i) => {
      if (!isPlainObject(s)) throw new Error(`${what}: state[${i}] must be { step, buffers }, got ${shown(s)}`);
      if (!Number.isInteger(s.step) || (s.step as number) < 0) throw new Error(`${what}: state[${i}].step must be a non-negative integer, got ${shown(s.step)}`);
      if (!Array.isArray(s.buffers)) throw new Error(`${what}: state[${i}].buffers must be an array, got ${shown(s.buffers)}`);
      const size = this.params[i].size;
      s.buffers.forEach((b: unknown, k) => {
        const len = (b as { length?: unknown } | null)?.length;
        if (!(Array.isArray(b) || ArrayBuffer.isView(b)) || len !== size) {
          throw new Error(`${what}: buffer ${k} of parameter ${i} must be ${size} numbers (the parameter's size), got ${shown(b)}`);
        }
        if (Array.isArray(b) && !b.every((x) => typeof x === 'number')) throw new Error(`${what}: buffer ${k} of parameter ${i} holds a value that is not a number`);
      });
    });
    dict.state.forEach((s, i) => {
      const p = this.params[i];
      if (s.step === 0) { this.state.delete(p); return; }
      this.state.set(p, { step: s.step, buffers: s.buffers.map((b) => { const a = stateAlloc(b.length); a.set(b); return a; }) });
    });
    groups.forEach((g, i) => Object.assign(this.paramGroups[i].hyper, g.hyper));
  }
}
