// autograd.gradcheck (torch.autograd.gradcheck, float32 defaults): true for the library's own ops and
// for a correct autograd.Function; a wrong backward (a sign, a missing factor) named by input and
// element; raiseException: false; the mistakes in its own arguments named.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { Tensor } from '../lib/index';
import { eachBackend } from './helpers/backends';

type Ctx = InstanceType<typeof bp.autograd.FunctionCtx>;

class Softplus extends bp.autograd.Function {
  static forward(ctx: Ctx, x: Tensor): Tensor { ctx.saveForBackward(x); return x.exp().add(1).log(); }
  static backward(ctx: Ctx, gy: Tensor): Tensor { return gy.mul((ctx.savedTensors[0] as Tensor).sigmoid()); }
}
class WrongSign extends bp.autograd.Function {
  static forward(ctx: Ctx, x: Tensor): Tensor { ctx.saveForBackward(x); return x.sin(); }
  static backward(ctx: Ctx, gy: Tensor): Tensor { return gy.mul((ctx.savedTensors[0] as Tensor).cos()).neg(); }
}
class MissingFactor extends bp.autograd.Function {
  static forward(ctx: Ctx, a: Tensor, b: Tensor): Tensor { ctx.saveForBackward(a, b); return a.mul(b).mul(2); }
  static backward(ctx: Ctx, gy: Tensor): Tensor[] { const [a, b] = ctx.savedTensors as Tensor[]; return [gy.mul(b).mul(2), gy.mul(a)]; }
}

eachBackend('autograd.gradcheck', () => {
  it('passes the library\'s ops and a correct Function; names a wrong backward', () => {
    bp.manualSeed(3);
    const x = bp.randn([3, 4], { requiresGrad: true }), w = bp.randn([4, 2], { requiresGrad: true }), c = bp.randn([3, 2]);
    expect(bp.autograd.gradcheck((a, b, k) => a.matmul(b).tanh().mul(k), [x, w, c])).toBe(true);
    expect(bp.autograd.gradcheck((a) => [a.sigmoid(), a.pow(2).sum(1)], x)).toBe(true);
    expect(bp.autograd.gradcheck((a) => Softplus.apply(a) as Tensor, x)).toBe(true);
    expect(() => bp.autograd.gradcheck((a) => WrongSign.apply(a) as Tensor, x))
      .toThrow(/^gradcheck: the gradient of input 0 \(shape \[3, 4\]\) at element 0 is .* by backward and .* by central differences \(eps 0.001, atol 0.001, rtol 0.01\)$/);
    expect(() => bp.autograd.gradcheck((a, b) => MissingFactor.apply(a, b) as Tensor, [x, x.detach().add(1).requiresGrad_()]))
      .toThrow(/gradient of input 1/);
    expect(bp.autograd.gradcheck((a) => WrongSign.apply(a) as Tensor, x, { raiseException: false })).toBe(false);
  });

  it('names the mistakes in its arguments', () => {
    const x = bp.randn([2], { requiresGrad: true });
    expect(() => bp.autograd.gradcheck((a) => a, bp.randn([2]))).toThrow('gradcheck: no input requires a gradient');
    expect(() => bp.autograd.gradcheck(3 as never, x)).toThrow('gradcheck: fn must be a function, got 3');
    expect(() => bp.autograd.gradcheck((a) => a, [x, 2 as never])).toThrow('gradcheck: inputs must be a Tensor or an array of Tensors');
    expect(() => bp.autograd.gradcheck((a) => a, x, { eps: 0 })).toThrow('gradcheck: eps must be a positive number, got 0');
    expect(() => bp.autograd.gradcheck((a) => a, x, { tol: 1 } as never)).toThrow("gradcheck: unknown option 'tol' (the options are eps, atol, rtol, raiseException)");
    expect(() => bp.autograd.gradcheck(() => 5 as never, x)).toThrow('gradcheck: fn must return a Tensor or a non-empty array of Tensors, got 5');
  });
});
