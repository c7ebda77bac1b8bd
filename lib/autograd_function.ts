// torch.autograd.Function: an op written by its user as a forward and a backward. The forward runs
// with nothing recorded; its outputs go on the tape as one node whose backward is the user's, given
// the outputs' gradients as tensors (zeros for an output that got none, torch's materialized
// gradients) and returning one gradient per forward argument. Under createGraph the user's backward
// runs recorded, so that a backward written in the library's ops can be differentiated again.
import { Tensor } from './tensor';
import { enableGrad, isGradEnabled, noGrad } from './autograd';
import { shown } from './args';
import { fmt, sameShape } from './shape';
import { allocOutput } from './storage';
import { record } from './ops/core';
import { recordResults } from './ops/matrices';
import { sumBackTo } from './ops/reduce';

/**
 * What forward leaves for backward (torch's ctx): tensors by saveForBackward, anything else as a
 * field of its own (`ctx.scale = 2`).
 */
export class FunctionCtx {
  [field: string]: unknown;
  /** Per forward argument: whether it is a tensor that needs a gradient (torch's needs_input_grad). */
  readonly needsInputGrad: readonly boolean[];
  private saved: (Tensor | null)[] = [];
  private readonly nonDifferentiable = new Set<Tensor>();

  /** @internal Made by Function.apply. */
  constructor(needsInputGrad: readonly boolean[]) {
    this.needsInputGrad = needsInputGrad;
  }

  /** Keeps tensors (inputs, outputs or others) for backward, which reads them as savedTensors. */
  saveForBackward(...tensors: (Tensor | null)[]): void {
    tensors.forEach((t, i) => {
      if (t !== null && !(t instanceof Tensor)) throw new Error(`saveForBackward: argument ${i} must be a Tensor or null, got ${shown(t)} (keep other values as fields of ctx)`);
    });
    this.saved = tensors;
  }

  /** The tensors saveForBackward kept, in its order. */
  get savedTensors(): readonly (Tensor | null)[] {
    return this.saved;
  }

  /** Marks outputs that take no gradient (indices, masks): they come out of apply needing none. */
  markNonDifferentiable(...outputs: Tensor[]): void {
    for (const t of outputs) {
      if (!(t instanceof Tensor)) throw new Error(`markNonDifferentiable: expected the forward's output tensors, got ${shown(t)}`);
      this.nonDifferentiable.add(t);
    }
  }

  /** @internal Whether t was marked non-differentiable. */
  isNonDifferentiable(t: Tensor): boolean {
    return this.nonDifferentiable.has(t);
  }
}

/** A gradient from backward: a tensor, or null / undefined for none (a zero gradient). */
export type FunctionGradient = Tensor | null | undefined;

/** The class side of a Function subclass: its static forward and backward. */
export interface FunctionClass {
  /** The class's name, for messages and the node's op name. */
  readonly name: string;
  /** The forward: the outputs from the arguments, with nothing recorded. */
  forward(ctx: FunctionCtx, ...args: never[]): Tensor | readonly Tensor[];
  /** The backward: one gradient per forward argument, from each output's gradient. */
  backward(ctx: FunctionCtx, ...gradOutputs: Tensor[]): FunctionGradient | readonly FunctionGradient[];
}

/**
 * An op of your own with its own gradient (torch.autograd.Function). Subclass it with a static
 * forward(ctx, ...args) that computes the outputs (nothing it does is recorded) and a static
 * backward(ctx, ...gradOutputs) that returns the gradient of each forward argument (null for
 * arguments that are not tensors or need none), then call `MyOp.apply(...args)`:
 *
 * ```ts
 * class Exp extends bp.autograd.Function {
 *   static forward(ctx: bp.autograd.FunctionCtx, x: Tensor): Tensor { const y = x.exp(); ctx.saveForBackward(y); return y; }
 *   static backward(ctx: bp.autograd.FunctionCtx, gy: Tensor): Tensor { return gy.mul(ctx.savedTensors[0]!); }
 * }
 * const y = Exp.apply(x);
 * ```
 */
export class Function {
  /** Runs forward on args and records backward as the outputs' gradient rule (torch's Function.apply). */
  static apply(...args: unknown[]): Tensor | Tensor[] {
    return applyFunction(this as unknown as FunctionClass, args);
  }
}

/** @internal A forward's result as a list of tensors (single: it was one), or an error naming `who`. */
export function outputsOf(raw: unknown, who: string): { outputs: Tensor[]; single: boolean } {
  const single = raw instanceof Tensor;
  const outs = single ? [raw] : raw;
  if (!Array.isArray(outs) || outs.length === 0 || !outs.every((t) => t instanceof Tensor)) {
    throw new Error(`${who} must return a Tensor or a non-empty array of Tensors, got ${shown(raw)}`);
  }
  return { outputs: outs as Tensor[], single };
}

/** A copy of a in an array of the library's own (the tape's gradients and outputs must own theirs). */
function copied(a: Float32Array): Float32Array {
  const copy = allocOutput(a.length);
  copy.set(a);
  return copy;
}

/** @internal Function.apply, with `prepare` given the ctx before forward runs (checkpoint's fields). */
export function applyFunction(cls: FunctionClass, args: unknown[], prepare?: (ctx: FunctionCtx) => void): Tensor | Tensor[] {
  const name = cls.name || 'Function';
  const recording = isGradEnabled();
  const needs = args.map((a) => recording && a instanceof Tensor && a.requiresGrad);
  const ctx = new FunctionCtx(needs);
  prepare?.(ctx);
  if (typeof cls.forward !== 'function') throw new Error(`${name}.forward is not defined: a Function subclass must define static forward(ctx, ...args)`);
  const raw = noGrad(() => (cls.forward as (c: FunctionCtx, ...a: unknown[]) => unknown)(ctx, ...args));
  const { outputs, single } = outputsOf(raw, `${name}.forward`);
  if (!needs.some(Boolean)) return single ? outputs[0] : outputs;
  const inputs = args.filter((a): a is Tensor => a instanceof Tensor);
  const shapes = outputs.map((t) => [...t.shape]);
  // An output that is an input (or shares its storage: a reshape of it) is copied: the recorded
  // output must own its storage, as the op results the tape holds do.
  const own = (t: Tensor): Float32Array => (inputs.some((x) => x.data.buffer === t.data.buffer) ? copied(t.data) : t.data);

  // The user's gradients, checked and put in the tensor inputs' order (null: none).
  const gradientsOf = (grads: readonly Tensor[]): (Tensor | null)[] => {
    if (typeof cls.backward !== 'function') throw new Error(`${name}.backward is not defined: a Function subclass must define static backward(ctx, ...gradOutputs) to be differentiated`);
    const got = (cls.backward as (c: FunctionCtx, ...g: Tensor[]) => unknown)(ctx, ...grads);
    const list = Array.isArray(got) ? got : [got];
    if (list.length !== args.length) {
      throw new Error(`${name}.backward returned ${list.length} gradient${list.length === 1 ? '' : 's'}, expected ${args.length} (one per forward argument, null for those that take none)`);
    }
    const out: (Tensor | null)[] = [];
    list.forEach((g, i) => {
      const a = args[i];
      if (!(a instanceof Tensor)) {
        if (g !== null && g !== undefined) throw new Error(`${name}.backward returned a gradient for argument ${i}, which is not a tensor (${shown(a)}): return null there`);
        return;
      }
      if (g === null || g === undefined || !needs[i]) {
        out.push(null);
        return;
      }
      if (!(g instanceof Tensor)) throw new Error(`${name}.backward: the gradient of argument ${i} must be a Tensor or null, got ${shown(g)}`);
      if (!sameShape(g.shape, a.shape)) {
        // As torch: a gradient that broadcasts to the input's shape is summed back to it.
        try {
          out.push(sumBackTo(g, a.shape));
          return;
        } catch {
          throw new Error(`${name}.backward: the gradient of argument ${i} has shape ${fmt(g.shape)}, expected the argument's ${fmt(a.shape)}`);
        }
      }
      out.push(g);
    });
    return out;
  };
  // The kernel walk's gradients: fresh arrays (the user's tensors may be saved ones, or each other).
  const arrays = (gs: (Tensor | null)[]): (Float32Array | null)[] => gs.map((g) => (g ? copied(g.data) : null));
  const plain = (grads: Float32Array[]) => noGrad(() => arrays(gradientsOf(grads.map((g, k) => new Tensor(g, shapes[k])))));
  const recorded = (grads: readonly Tensor[]) => enableGrad(() => gradientsOf(grads));

  let results: Tensor[];
  if (single) {
    const y = record(own(outputs[0]), shapes[0], inputs, name, (gy) => plain([gy]) as Float32Array[]);
    if (y.node) y.node.graphBackward = (gy) => recorded([gy]);
    results = [y];
  } else {
    results = recordResults(outputs.map(own), shapes, inputs, name, (grads) => plain(grads) as Float32Array[], (grads) => recorded(grads));
  }
  results = results.map((r, k) => (ctx.isNonDifferentiable(outputs[k]) ? r.detach() : r));
  return single ? results[0] : results;
}
