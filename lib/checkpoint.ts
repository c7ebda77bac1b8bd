// torch.utils.checkpoint: a piece of the forward pass whose intermediates are not kept for backward
// but computed again when backward reaches it, trading a second forward for their memory. The piece
// runs with nothing recorded; its outputs go on the tape as one node (an autograd.Function) whose
// backward runs the piece again, recorded, from its inputs (the generator's state put back as it
// was, so that Dropout draws the same masks) and backpropagates through that copy, which also
// accumulates the gradients of the parameters it read.
import { Tensor } from './tensor';
import { enableGrad, isGradEnabled } from './autograd';
import { shown } from './args';
import { getRngState, RngState, setRngState } from './random';
import { applyFunction, FunctionClass, FunctionCtx, outputsOf } from './autograd_function';
import { Module } from './nn/module';
import { add, mul } from './ops/binary';
import { sum } from './ops/reduce';

/** Options of checkpoint, given as its last argument. */
export interface CheckpointOptions {
  /** Put the generator's state back before computing the piece again, so that its random draws repeat (default true). */
  preserveRngState?: boolean;
}

const isOptions = (v: unknown): v is CheckpointOptions =>
  v !== null && typeof v === 'object' && !(v instanceof Tensor) && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** The leaves that need a gradient among what the outputs were computed from (the piece's parameters). */
function leavesOf(outputs: readonly Tensor[]): Tensor[] {
  const seen = new Set<Tensor>(), leaves: Tensor[] = [];
  const stack = outputs.filter((t) => t.requiresGrad);
  while (stack.length) {
    const t = stack.pop() as Tensor;
    if (seen.has(t)) continue;
    seen.add(t);
    if (!t.node) leaves.push(t);
    else for (const c of t.node.inputs) if (c.requiresGrad) stack.push(c);
  }
  return leaves;
}

// The piece as a Function: ctx holds fn, the piece's argument count (apply's further arguments are
// the parameters found by a probe run), the generator's state, and the probe's outputs if any.
class Checkpointed {
  static forward(ctx: FunctionCtx, ...args: unknown[]): Tensor | Tensor[] {
    if (ctx.precomputed) return ctx.precomputed as Tensor | Tensor[];
    const out = (ctx.fn as (...a: unknown[]) => unknown)(...args.slice(0, ctx.argCount as number));
    outputsOf(out, 'checkpoint: the function');
    return out as Tensor | Tensor[];
  }

  static backward(ctx: FunctionCtx, ...gradOutputs: Tensor[]): (Tensor | null)[] {
    const args = ctx.args as unknown[], count = ctx.argCount as number;
    // The piece's inputs as leaves of a graph of its own: their gradients are this node's.
    const inputs = args.slice(0, count).map((a) => (a instanceof Tensor ? a.detach().requiresGrad_(a.requiresGrad) : a));
    const saved = ctx.rngState as RngState | null;
    const now = saved ? getRngState() : null;
    if (saved) setRngState(saved);
    let outs: Tensor[];
    try {
      const out = enableGrad(() => (ctx.fn as (...a: unknown[]) => Tensor | Tensor[])(...inputs));
      outs = out instanceof Tensor ? [out] : out;
    } finally {
      if (now) setRngState(now);
    }
    // sum(out * gy) over the outputs that need a gradient: its backward gives each out exactly gy.
    // (Recorded: a Function's backward runs under noGrad.)
    enableGrad(() => {
      let total: Tensor | null = null;
      outs.forEach((o, k) => {
        if (!o.requiresGrad) return;
        const part = sum(mul(o, gradOutputs[k]));
        total = total ? add(total, part) : part;
      });
      if (total) (total as Tensor).backward();
    });
    // One gradient per argument of apply: the piece's arguments', then none for the leaves (the
    // walk through the copy has accumulated theirs).
    return args.map((_, k) => (k < count && inputs[k] instanceof Tensor ? ((inputs[k] as Tensor).grad ?? null) : null));
  }
}

/**
 * fn(...args), with its intermediates computed again in backward instead of kept
 * (torch.utils.checkpoint.checkpoint): memory for time, where activations are what fills memory.
 * fn's parameters get their gradients as without it, and random draws inside it (Dropout) repeat
 * in the second run (preserveRngState, default true; a last argument `{ preserveRngState: false }`
 * turns it off). fn must compute the same thing both times: no state of its own that changes.
 */
export function checkpoint<T extends Tensor | Tensor[]>(fn: (...args: never[]) => T, ...args: unknown[]): T {
  if (typeof fn !== 'function') throw new Error(`checkpoint: fn must be a function, got ${shown(fn)}`);
  let options: CheckpointOptions = {};
  if (args.length > 0 && isOptions(args[args.length - 1])) options = args.pop() as CheckpointOptions;
  for (const k of Object.keys(options)) if (k !== 'preserveRngState') throw new Error(`checkpoint: unknown option '${k}' (the options are preserveRngState)`);
  const preserve = options.preserveRngState ?? true;
  if (typeof preserve !== 'boolean') throw new Error(`checkpoint: option preserveRngState must be true or false, got ${shown(preserve)}`);
  if (!isGradEnabled()) return (fn as (...a: unknown[]) => T)(...args);
  const rngState = preserve ? getRngState() : null;
  // Which parameters the piece reads is known only by running it: when no argument needs a
  // gradient (a first layer's input), a recorded run finds them, so that they still get theirs
  // (torch's reentrant checkpoint gives them none); its outputs, detached, are the forward's, and
  // its graph is let go.
  let leaves: Tensor[] = [];
  let precomputed: Tensor | Tensor[] | null = null;
  if (!args.some((a) => a instanceof Tensor && a.requiresGrad)) {
    const probe = (fn as (...a: unknown[]) => unknown)(...args);
    const { outputs, single } = outputsOf(probe, 'checkpoint: the function');
    leaves = leavesOf(outputs);
    if (leaves.length === 0) return probe as T;
    precomputed = single ? outputs[0].detach() : outputs.map((t) => t.detach());
  }
  const all = [...args, ...leaves];
  return applyFunction(Checkpointed as unknown as FunctionClass, all, (ctx) => {
    ctx.fn = fn;
    ctx.argCount = args.length;
    ctx.args = all;
    ctx.rngState = rngState;
    ctx.precomputed = precomputed;
  }) as T;
}

/**
 * A Sequential (or a list of modules) run in `segments` pieces, each but the last checkpointed
 * (torch.utils.checkpoint.checkpoint_sequential): the intermediates of all but one piece are computed
 * again in backward.
 */
export function checkpointSequential(modules: Module | readonly Module[], segments: number, input: Tensor, options?: CheckpointOptions): Tensor {
  const what = 'checkpointSequential';
  const list = modules instanceof Module ? modules.children() : modules;
  if (!Array.isArray(list) || !list.every((m) => m instanceof Module)) throw new Error(`${what}: modules must be a Sequential or an array of Modules, got ${shown(modules)}`);
  if (!Number.isSafeInteger(segments) || segments < 1) throw new Error(`${what}: segments must be a positive integer, got ${shown(segments)}`);
  if (!(input instanceof Tensor)) throw new Error(`${what}: input must be a Tensor, got ${shown(input)}`);
  const size = Math.ceil(list.length / segments);
  const run = (from: number, to: number) => (x: Tensor): Tensor => list.slice(from, to).reduce((h, m) => m.forward(h) as Tensor, x);
  let x = input;
  let start = 0;
  for (; start + size < list.length; start += size) x = checkpoint(run(start, start + size), x, { ...options });
  return run(start, list.length)(x);
}
