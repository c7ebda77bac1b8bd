// Module hooks: forward pre-hooks and hooks (inputs and output seen and replaceable) and full
// backward hooks (the gradients of a module's inputs and output), run wherever the module's forward
// (or forwardWithState) is called from: while a module has any, those are instance properties that
// run them.
import { Tensor } from '../tensor';
import type { RemovableHandle } from '../tensor';
import { isGradEnabled, noGrad } from '../autograd';
import { record, copyInto } from '../ops/core';
import { allocOutput } from '../storage';
import { fmt } from '../shape';
import type { Module } from './module';

/** A forward pre-hook: sees the module and its inputs; may return replacement inputs. */
export type ForwardPreHook = (module: Module, inputs: Tensor[]) => Tensor | Tensor[] | void;
/** A forward hook: sees the module, its inputs and its output; may return a replacement output. */
export type ForwardHook = (module: Module, inputs: Tensor[], output: Tensor) => Tensor | void;
/** A full backward hook: sees the gradients of the module's inputs and output; may return replacement input gradients. */
export type FullBackwardHook = (module: Module, gradInput: (Tensor | null)[], gradOutput: Tensor[]) => (Tensor | null)[] | void;

// The methods hooks wrap: forward, and the recurrent modules' forwardWithState (torch's module call
// returns the states with the output; here that call is forwardWithState), whose hooks see the output
// tensor of its result (`output`, or LSTMCell's `h`) and may replace it, the states left as they are.
const HOOKED = ['forward', 'forwardWithState'] as const;
type HookedName = (typeof HOOKED)[number];
type Run = (...inputs: Tensor[]) => unknown;

/** A module's hooks, and the hooked methods its own instance had before them (null: its class's). */
interface Hooks { pre: ForwardPreHook[]; post: ForwardHook[]; backward: FullBackwardHook[]; own: Map<HookedName, Run | null> }
const hooksOf = new WeakMap<Module, Hooks>();

/** Whether a module has forward or backward hooks (weightNorm and spectralNorm add pre-hooks). */
export function hasModuleHooks(m: Module): boolean {
  return hooksOf.has(m);
}

/** The field of a forwardWithState result that holds its output: `output` (RNN, LSTM, GRU) or `h` (LSTMCell). */
function outputField(result: object): 'output' | 'h' {
  return 'output' in result ? 'output' : 'h';
}

/** `inner` run with the module's hooks: pre-hooks on the inputs, hooks on the output, the backward watch over both. */
function hookedRun(hooks: Hooks, name: HookedName, inner: Run): Run {
  return function hooked(this: Module, ...inputs: Tensor[]): unknown {
    let args = inputs;
    for (const pre of [...hooks.pre]) {
      const r = pre(this, args);
      if (r !== undefined) args = Array.isArray(r) ? r : [r];
    }
    const watch = hooks.backward.length > 0 && isGradEnabled() ? backwardWatch(this, [...hooks.backward], args) : null;
    if (watch) args = watch.inputs;
    const result = inner.apply(this, args);
    const field = name === 'forward' ? null : outputField(result as object);
    let out = (field ? (result as Record<string, unknown>)[field] : result) as Tensor;
    for (const post of [...hooks.post]) {
      const r = post(this, args, out);
      if (r !== undefined) out = r;
    }
    if (watch) out = watch.output(out);
    if (!field) return out;
    return out === (result as Record<string, unknown>)[field] ? result : { ...(result as object), [field]: out };
  };
}

/**
 * Adds a hook of `kind`, wrapping the module's forward (and forwardWithState, where it has one) in
 * instance properties while it has any: every caller of forward (call(), Sequential, a parent
 * module) runs the hooks, and the library's paths that replace a layer's forward by a kernel
 * (runsOwnForward: Sequential's fused pairs, fit's native loop) see a forward of the instance's own
 * and run it instead.
 */
export function addModuleHook(m: Module, kind: 'pre' | 'post' | 'backward', fn: ForwardPreHook | ForwardHook | FullBackwardHook): RemovableHandle {
  const method = kind === 'pre' ? 'ForwardPreHook' : kind === 'post' ? 'ForwardHook' : 'FullBackwardHook';
  if (typeof fn !== 'function') throw new Error(`${m.constructor.name}.register${method}: fn must be a function, got ${typeof fn}`);
  const fields = m as unknown as Record<HookedName, Run | undefined>;
  let h = hooksOf.get(m);
  if (!h) {
    const hooks: Hooks = h = { pre: [], post: [], backward: [], own: new Map() };
    for (const name of HOOKED) {
      if (typeof fields[name] !== 'function') continue;
      const own = Object.prototype.hasOwnProperty.call(m, name) ? (fields[name] as Run) : null;
      hooks.own.set(name, own);
      const inner = own ?? ((Object.getPrototypeOf(m) as Record<HookedName, Run>)[name]);
      Object.defineProperty(m, name, { configurable: true, writable: true, enumerable: false, value: hookedRun(hooks, name, inner) });
    }
    hooksOf.set(m, hooks);
  }
  const list = (kind === 'pre' ? h.pre : kind === 'post' ? h.post : h.backward) as unknown[];
  list.push(fn);
  const hooks = h;
  return {
    remove: () => {
      const at = list.indexOf(fn);
      if (at >= 0) list.splice(at, 1);
      if (hooks.pre.length || hooks.post.length || hooks.backward.length || hooksOf.get(m) !== hooks) return;
      // The last one gone: the instance's methods as they were.
      hooksOf.delete(m);
      for (const [name, own] of hooks.own) {
        if (own) Object.defineProperty(m, name, { configurable: true, writable: true, enumerable: true, value: own });
        else delete fields[name];
      }
    },
  };
}

/** x passed on unchanged, its gradient seen by onGrad on the way back (which may replace it). */
function passThrough(x: Tensor, onGrad: (gy: Float32Array) => Float32Array): Tensor {
  return record(x.data, [...x.shape], [x], 'backwardHook', (gy) => [onGrad(gy)]);
}

/** A copy of gradient g as a tensor of shape (the walk may reuse g's storage). */
function gradTensor(g: Float32Array, shape: readonly number[]): Tensor {
  const copy = allocOutput(g.length);
  copyInto(g, copy);
  return new Tensor(copy, [...shape]);
}

/**
 * One forward's watch for full backward hooks: its inputs that need a gradient pass through nodes that
 * collect their gradients, its output through one that collects the output's; when the last input's
 * gradient (or, with none, the output's) is in, the hooks run. torch gathers the inputs in one node;
 * here each input has its own, already passed on when the last arrives, so only a module of one such
 * input may have its gradient replaced.
 */
function backwardWatch(m: Module, hooks: FullBackwardHook[], inputs: Tensor[]): { inputs: Tensor[]; output: (out: Tensor) => Tensor } {
  const gradIn: (Tensor | null)[] = inputs.map(() => null);
  let gradOut: Tensor | null = null;
  const watched = inputs.filter((x) => x instanceof Tensor && x.requiresGrad).length;
  let pending = watched;
  const fire = (): (Tensor | null)[] | void => {
    let result: (Tensor | null)[] | void = undefined;
    for (const hook of hooks) {
      const r = hook(m, [...gradIn], gradOut ? [gradOut] : []);
      if (r === undefined) continue;
      if (watched !== 1) throw new Error(`${m.constructor.name}: a full backward hook may replace gradInput only for a module of one input that needs a gradient (this one has ${watched})`);
      if (!Array.isArray(r) || r.length !== inputs.length) throw new Error(`${m.constructor.name}: a full backward hook must return nothing or one gradient per input (${inputs.length})`);
      result = r;
    }
    return result;
  };
  const wrapped = inputs.map((x, k) => {
    if (!(x instanceof Tensor) || !x.requiresGrad) return x;
    return passThrough(x, (gy) => {
      gradIn[k] = gradTensor(gy, x.shape);
      if (--pending > 0) return gy;
      const r = noGrad(fire);
      const g = r ? r[k] : undefined;
      if (!g) return gy;
      if (!(g instanceof Tensor) || g.size !== x.size) throw new Error(`${m.constructor.name}: a full backward hook's gradient for input ${k} must be a tensor of its shape ${fmt(x.shape)}`);
      const own = allocOutput(g.size);
      copyInto(g.data, own);
      return own;
    });
  });
  return {
    inputs: wrapped,
    output: (out) => {
      if (!(out instanceof Tensor) || !out.requiresGrad) return out;
      return passThrough(out, (gy) => {
        gradOut = gradTensor(gy, out.shape);
        if (watched === 0) noGrad(fire);
        return gy;
      });
    },
  };
}
