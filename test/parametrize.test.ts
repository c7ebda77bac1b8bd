// nn.utils.parametrize against torch 1.13: a Linear's weight made symmetric (torch's documented
// example) and then scaled (a parametrization with a right inverse): the same printed form, state-dict
// keys, outputs and gradient of the stored original; assigning the weight runs the right inverses;
// removing the parametrizations leaves the parametrized value in the same Parameter object; fit's
// native loop leaves such a model to the eager loop; the errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim, Tensor } from '../lib/index';
import { haveTorch, noteIfNoTorch, torchJson } from './helpers/torch';

const P = nn.utils.parametrize;

class Symmetric extends nn.Module {
  forward(x: Tensor): Tensor {
    return x.triu().add(x.triu(1).transpose(-1, -2));
  }
}

class Scale extends nn.Module {
  forward(x: Tensor): Tensor {
    return x.mul(2);
  }

  rightInverse(y: Tensor): Tensor {
    return y.div(2);
  }
}

const SCRIPT = `
import json, sys, torch
import torch.nn as nn
import torch.nn.utils.parametrize as P
class Symmetric(nn.Module):
    def forward(self, X): return X.triu() + X.triu(1).transpose(-1, -2)
class Scale(nn.Module):
    def forward(self, X): return X * 2
    def right_inverse(self, Y): return Y / 2
c = json.load(sys.stdin)
m = nn.Linear(3, 3)
with torch.no_grad():
    m.weight.copy_(torch.tensor(c["w"]).reshape(3, 3)); m.bias.copy_(torch.tensor(c["b"]))
P.register_parametrization(m, "weight", Symmetric())
P.register_parametrization(m, "weight", Scale())
x = torch.tensor(c["x"]).reshape(2, 3)
y = m(x); (y * y).sum().backward()
out = {"print": str(m), "keys": list(m.state_dict().keys()), "y": y.reshape(-1).tolist(), "g": m.parametrizations.weight.original.grad.reshape(-1).tolist(),
       "original": m.parametrizations.weight.original.reshape(-1).tolist()}
P.remove_parametrizations(m, "weight")
out["removed"] = m.weight.reshape(-1).tolist(); out["print2"] = str(m)
print(json.dumps(out))
`;

noteIfNoTorch('the comparison of nn.utils.parametrize with torch');
describe('nn.utils.parametrize', () => {
  it.runIf(haveTorch)('a symmetric, scaled weight as torch\'s: printing, keys, outputs, the original\'s gradient, removal', () => {
    bp.manualSeed(21);
    const w = bp.randn([3, 3]), b = bp.randn([3]), x = bp.randn([2, 3]);
    const want = torchJson<{ print: string; keys: string[]; y: number[]; g: number[]; original: number[]; removed: number[]; print2: string }>(
      SCRIPT, JSON.stringify({ w: Array.from(w.data), b: Array.from(b.data), x: Array.from(x.data) }));
    const m = new nn.Linear(3, 3);
    m.loadStateDict({ weight: w, bias: b });
    const weight = m.weight;
    P.registerParametrization(m, 'weight', new Symmetric());
    P.registerParametrization(m, 'weight', new Scale());
    expect(String(m)).toBe(want.print);
    expect(Object.keys(m.stateDict())).toEqual(want.keys);
    expect(m.constructor.name).toBe('ParametrizedLinear');
    expect(m instanceof nn.Linear).toBe(true);
    expect(P.isParametrized(m)).toBe(true);
    expect(P.isParametrized(m, 'bias')).toBe(false);
    const y = m.forward(x);
    y.mul(y).sum().backward();
    const list = (m as unknown as { parametrizations: nn.ModuleDict }).parametrizations.get('weight') as InstanceType<typeof P.ParametrizationList>;
    expect(list.original).toBe(weight); // no rightInverse on the first: the Parameter itself is stored
    const close = (a: ArrayLike<number>, e: number[], what: string) => Array.from(a).forEach((v, i) => expect(Math.abs(v - e[i]), `${what}[${i}]`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(e[i]))));
    close(y.data, want.y, 'output');
    close(list.original.grad!.data, want.g, 'the original\'s gradient');
    close(list.original.data, want.original, 'original');
    P.removeParametrizations(m, 'weight');
    expect(m.weight).toBe(weight); // the same Parameter object, holding the parametrized value
    close(m.weight.data, want.removed, 'weight after removal');
    expect(String(m)).toBe(want.print2);
    expect(m.constructor).toBe(nn.Linear);
  });

  it('a parametrization\'s rightInverse makes the stored original, and assigning the tensor runs it', () => {
    const m = new nn.Linear(2, 2);
    const w = Array.from(m.weight.data);
    P.registerParametrization(m, 'weight', new Scale());
    const list = (m as unknown as { parametrizations: nn.ModuleDict }).parametrizations.get('weight') as InstanceType<typeof P.ParametrizationList>;
    expect(Array.from(list.original.data)).toEqual(w.map((v) => Math.fround(v / 2)));
    expect(Array.from(m.weight.data)).toEqual(w.map((v) => Math.fround(Math.fround(v / 2) * 2)));
    bp.noGrad(() => { (m as unknown as { weight: Tensor }).weight = bp.tensor([[2, 4], [6, 8]]); });
    expect(Array.from(list.original.data)).toEqual([1, 2, 3, 4]);
    P.removeParametrizations(m, 'weight', false);
    expect(Array.from(m.weight.data)).toEqual([1, 2, 3, 4]); // the original, not parametrized
  });

  it('trains through the parametrization, the eager loop in fit', async () => {
    bp.manualSeed(22);
    const model = new nn.Sequential(new nn.Linear(4, 4), new nn.Tanh(), new nn.Linear(4, 1));
    P.registerParametrization(model.layers[0], 'weight', new Symmetric());
    const x = bp.randn([32, 4]), y = bp.randn([32, 1]);
    const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
    const h = await bp.fit(model, { x, y }, { loss: new nn.MSELoss(), optimizer: opt, epochs: 5, batchSize: 8 });
    expect(h.loss[4]).toBeLessThan(h.loss[0]);
    const wt = (model.layers[0] as nn.Linear).weight;
    expect(Array.from(wt.data)).toEqual(Array.from(wt.transpose(0, 1).data)); // still symmetric
  });

  it('a deep copy (AveragedModel\'s) computes its tensor from its own original, not the source\'s', () => {
    const m = new nn.Linear(3, 3);
    P.registerParametrization(m, 'weight', new Symmetric());
    const avg = new optim.swaUtils.AveragedModel(m);
    const copy = (avg as unknown as { module: nn.Linear }).module;
    const original = ((copy as unknown as { parametrizations: nn.ModuleDict }).parametrizations.get('weight') as InstanceType<typeof P.ParametrizationList>).original;
    bp.noGrad(() => original.data.fill(2));
    expect(Array.from(copy.weight.data)).toEqual(new Array(9).fill(2));
    expect(Array.from(m.weight.data)).not.toEqual(Array.from(copy.weight.data));
  });

  it('names what is wrong', () => {
    const m = new nn.Linear(2, 3);
    expect(() => P.registerParametrization(m, 'weights', new Symmetric())).toThrow("registerParametrization: Linear has no parameter or buffer 'weights'");
    class Flat extends nn.Module { forward(x: Tensor): Tensor { return x.reshape([-1]); } }
    expect(() => P.registerParametrization(m, 'weight', new Flat())).toThrow("registerParametrization: the parametrization must keep weight's shape [3, 2], it gave [6]");
    expect(() => P.registerParametrization(m, 'weight', (() => 1) as unknown as nn.Module)).toThrow(/^registerParametrization: parametrization must be a Module/);
    expect(() => P.removeParametrizations(m, 'weight')).toThrow("removeParametrizations: Linear has no parametrization on 'weight'");
    const sq = new nn.Linear(2, 2);
    P.registerParametrization(sq, 'weight', new Symmetric());
    expect(() => bp.noGrad(() => { (sq as unknown as { weight: Tensor }).weight = bp.zeros([2, 2]); })).toThrow('parametrization Symmetric does not implement rightInverse');
  });
});
