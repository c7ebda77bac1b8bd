// autograd.Function (torch.autograd.Function): ops written as a forward and a backward. Against torch
// 1.13's own Functions of the same code (a straight-through rounding and a clamp with a leak, in a
// small two-layer computation): values and every gradient. Then: several outputs (zeros for the one
// unused), a number among the arguments, needsInputGrad, saved tensors and ctx fields, an output
// marked non-differentiable, a gradient of a broadcast shape summed back, nothing recorded under
// noGrad, createGraph through a backward written in ops, and each mistake named.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

const { Function, FunctionCtx } = bp.autograd;
type Ctx = InstanceType<typeof FunctionCtx>;

/** Rounds forward, passes the gradient straight through (a straight-through estimator). */
class RoundSTE extends Function {
  static forward(_ctx: Ctx, x: Tensor): Tensor { return x.round(); }
  static backward(_ctx: Ctx, gy: Tensor): Tensor { return gy; }
}

/** x clamped to [lo, hi] with gradient `leak` outside (lo, hi numbers). */
class LeakyClamp extends Function {
  static forward(ctx: Ctx, x: Tensor, lo: number, hi: number, leak: number): Tensor {
    ctx.saveForBackward(x);
    ctx.lo = lo;
    ctx.hi = hi;
    ctx.leak = leak;
    return x.clamp(lo, hi);
  }
  static backward(ctx: Ctx, gy: Tensor): (Tensor | null)[] {
    const [x] = ctx.savedTensors as Tensor[];
    const inside = x.gt(ctx.lo as number).mul(x.lt(ctx.hi as number));
    const slope = inside.add(inside.neg().add(1).mul(ctx.leak as number));
    return [gy.mul(slope), null, null, null];
  }
}

/** sin and cos of x. */
class SinCos extends Function {
  static forward(ctx: Ctx, x: Tensor): Tensor[] { ctx.saveForBackward(x); return [x.sin(), x.cos()]; }
  static backward(ctx: Ctx, gs: Tensor, gc: Tensor): Tensor {
    const x = ctx.savedTensors[0] as Tensor;
    return gs.mul(x.cos()).sub(gc.mul(x.sin()));
  }
}

/** x^3, its backward in ops (differentiable again). */
class Cube extends Function {
  static forward(ctx: Ctx, x: Tensor): Tensor { ctx.saveForBackward(x); return x.pow(3); }
  static backward(ctx: Ctx, gy: Tensor): Tensor { const x = ctx.savedTensors[0] as Tensor; return gy.mul(x.pow(2)).mul(3); }
}

const TORCH = `
import json, sys, torch
class RoundSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x): return x.round()
    @staticmethod
    def backward(ctx, gy): return gy
class LeakyClamp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, lo, hi, leak):
        ctx.save_for_backward(x); ctx.lo, ctx.hi, ctx.leak = lo, hi, leak
        return x.clamp(lo, hi)
    @staticmethod
    def backward(ctx, gy):
        x, = ctx.saved_tensors
        inside = (x > ctx.lo).float() * (x < ctx.hi).float()
        return gy * (inside + (1 - inside) * ctx.leak), None, None, None
c = json.load(sys.stdin)
x = torch.tensor(c["x"], requires_grad=True).reshape(4, 3).detach().requires_grad_()
w = torch.tensor(c["w"]).reshape(3, 5).requires_grad_()
h = LeakyClamp.apply(x @ w, -1.0, 1.5, 0.1)
y = RoundSTE.apply(h * 3) / 3
loss = (y * torch.arange(20.).reshape(4, 5)).sum()
loss.backward()
print(json.dumps({"y": y.reshape(-1).tolist(), "gx": x.grad.reshape(-1).tolist(), "gw": w.grad.reshape(-1).tolist()}))
`;

noteIfNoTorch('the comparison of autograd.Function with torch.autograd.Function');
describe('autograd.Function', () => {
  it.runIf(haveTorch)('a straight-through rounding over a leaky clamp, as torch\'s Functions: values and gradients', () => {
    bp.manualSeed(8);
    const x0 = bp.randn([4, 3]), w0 = bp.randn([3, 5]);
    const want = torchJson<{ y: number[]; gx: number[]; gw: number[] }>(TORCH, JSON.stringify({ x: Array.from(x0.data), w: Array.from(w0.data) }));
    const x = x0.clone().requiresGrad_(), w = w0.clone().requiresGrad_();
    const h = LeakyClamp.apply(x.matmul(w), -1, 1.5, 0.1) as Tensor;
    const y = (RoundSTE.apply(h.mul(3)) as Tensor).div(3);
    y.mul(bp.arange(0, 20).reshape([4, 5])).sum().backward();
    const close = (got: ArrayLike<number>, exp: number[], what: string) => exp.forEach((v, i) => expect(Math.abs(got[i] - v), `${what}[${i}]`).toBeLessThan(1e-5 * (1 + Math.abs(v))));
    close(y.data, want.y, 'y');
    close(x.grad!.data, want.gx, 'x.grad');
    close(w.grad!.data, want.gw, 'w.grad');
    expect(y.node).toBeTruthy();
  });

  it('several outputs (zeros for the unused one), numbers among the arguments, needsInputGrad, ctx fields', () => {
    const x = bp.tensor([0.3, -1.2, 2], { requiresGrad: true });
    const [s, c] = SinCos.apply(x) as Tensor[];
    expect(Array.from(s.data)).toEqual(Array.from(x.detach().sin().data));
    c.mul(2).sum().backward();
    x.grad!.data.forEach((g, i) => expect(g).toBeCloseTo(-2 * Math.sin(x.data[i]), 6));
    let seen: readonly boolean[] = [];
    class Scale extends Function {
      static forward(ctx: Ctx, a: Tensor, k: number, b: Tensor): Tensor { seen = ctx.needsInputGrad; ctx.k = k; return a.mul(k).add(b); }
      static backward(ctx: Ctx, gy: Tensor): (Tensor | null)[] { return [gy.mul(ctx.k as number), null, gy]; }
    }
    const a = bp.tensor([1, 2], { requiresGrad: true }), b = bp.tensor([3, 4]);
    const y = Scale.apply(a, 2.5, b) as Tensor;
    expect(seen).toEqual([true, false, false]);
    y.sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([2.5, 2.5]);
    expect(b.grad).toBeNull();
  });

  it('marks outputs non-differentiable, sums a broadcast gradient back, records nothing under noGrad', () => {
    class MaxAndIndex extends Function {
      static forward(ctx: Ctx, x: Tensor): Tensor[] {
        const i = x.argmax(1);
        ctx.saveForBackward(x, i);
        ctx.markNonDifferentiable(i);
        return [x.max(1), i];
      }
      static backward(ctx: Ctx, gv: Tensor): Tensor {
        const [x, i] = ctx.savedTensors as Tensor[];
        return bp.zeros(x.shape).scatter(1, i.unsqueeze(1), gv.unsqueeze(1));
      }
    }
    const x = bp.tensor([[1, 5, 2], [7, 0, 3]], { requiresGrad: true });
    const [v, i] = MaxAndIndex.apply(x) as Tensor[];
    expect(i.requiresGrad).toBe(false);
    expect(v.requiresGrad).toBe(true);
    v.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 1, 0, 1, 0, 0]);
    class Broadcasting extends Function {
      static forward(_ctx: Ctx, b: Tensor): Tensor { return b.expand([3, 2]).contiguous(); }
      static backward(_ctx: Ctx, gy: Tensor): Tensor { return gy; } // [3, 2] for an input of [2]
    }
    const b = bp.tensor([1, 2], { requiresGrad: true });
    (Broadcasting.apply(b) as Tensor).mul(bp.tensor([[1, 2], [3, 4], [5, 6]])).sum().backward();
    expect(Array.from(b.grad!.data)).toEqual([9, 12]);
    const quiet = bp.noGrad(() => RoundSTE.apply(bp.tensor([1.4], { requiresGrad: true }))) as Tensor;
    expect(quiet.requiresGrad).toBe(false);
    const plain = RoundSTE.apply(bp.tensor([1.6])) as Tensor;
    expect(plain.requiresGrad).toBe(false);
    expect(plain.item()).toBe(2);
    // An output that is its input comes out as a tensor of its own.
    class Same extends Function {
      static forward(_ctx: Ctx, t: Tensor): Tensor { return t; }
      static backward(_ctx: Ctx, gy: Tensor): Tensor { return gy; }
    }
    const s = bp.tensor([1, 2], { requiresGrad: true });
    const out = Same.apply(s) as Tensor;
    expect(out).not.toBe(s);
    expect(out.data.buffer === s.data.buffer && out.data.byteOffset === s.data.byteOffset).toBe(false);
  });

  it('createGraph runs the backward recorded: second and third derivatives of a Cube', () => {
    const x = bp.tensor([0.5, -2, 3], { requiresGrad: true });
    const g = bp.autograd.grad((Cube.apply(x) as Tensor).sum(), [x], { createGraph: true })[0] as Tensor;
    expect(Array.from(g.data)).toEqual(Array.from(x.detach().pow(2).mul(3).data));
    const h = bp.autograd.grad(g.sum(), [x], { createGraph: true })[0] as Tensor;
    h.data.forEach((v, i) => expect(v).toBeCloseTo(6 * x.data[i], 5));
    const t = bp.autograd.grad(h.sum(), [x])[0] as Tensor;
    expect(Array.from(t.data)).toEqual([6, 6, 6]);
  });

  it('names each mistake', () => {
    const x = bp.tensor([1, 2], { requiresGrad: true });
    class NoTensor extends Function { static forward(): Tensor { return 3 as never; } }
    expect(() => NoTensor.apply(x)).toThrow('NoTensor.forward must return a Tensor or a non-empty array of Tensors, got 3');
    class NoBackward extends Function { static forward(_c: Ctx, t: Tensor): Tensor { return t.mul(2); } }
    expect(() => (NoBackward.apply(x) as Tensor).sum().backward()).toThrow('NoBackward.backward is not defined: a Function subclass must define static backward(ctx, ...gradOutputs) to be differentiated');
    class NoForward extends Function {}
    expect(() => NoForward.apply(x)).toThrow('NoForward.forward is not defined');
    class TooMany extends Function {
      static forward(_c: Ctx, t: Tensor): Tensor { return t.mul(2); }
      static backward(_c: Ctx, gy: Tensor): Tensor[] { return [gy, gy]; }
    }
    expect(() => (TooMany.apply(x) as Tensor).sum().backward()).toThrow('TooMany.backward returned 2 gradients, expected 1 (one per forward argument, null for those that take none)');
    class BadShape extends Function {
      static forward(_c: Ctx, t: Tensor): Tensor { return t.mul(2); }
      static backward(): Tensor { return bp.ones([3]); }
    }
    expect(() => (BadShape.apply(x) as Tensor).sum().backward()).toThrow('BadShape.backward: the gradient of argument 0 has shape [3], expected the argument\'s [2]');
    class ForNumber extends Function {
      static forward(_c: Ctx, t: Tensor): Tensor { return t.mul(2); }
      static backward(_c: Ctx, gy: Tensor): Tensor[] { return [gy, gy]; }
    }
    expect(() => (ForNumber.apply(x, 4) as Tensor).sum().backward()).toThrow('ForNumber.backward returned a gradient for argument 1, which is not a tensor (4): return null there');
    class NotATensor extends Function {
      static forward(_c: Ctx, t: Tensor): Tensor { return t.mul(2); }
      static backward(): unknown { return 'g'; }
    }
    expect(() => (NotATensor.apply(x) as Tensor).sum().backward()).toThrow('NotATensor.backward: the gradient of argument 0 must be a Tensor or null, got "g"');
    class SavesNumber extends Function {
      static forward(ctx: Ctx, t: Tensor): Tensor { ctx.saveForBackward(t, 3 as never); return t; }
    }
    expect(() => SavesNumber.apply(x)).toThrow('saveForBackward: argument 1 must be a Tensor or null, got 3 (keep other values as fields of ctx)');
  });
});
