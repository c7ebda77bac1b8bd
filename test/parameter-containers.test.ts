// nn.ParameterList and nn.ParameterDict: registered as torch's (parameters(), state dict names,
// loadStateDict, an optimizer stepping them), their list and dict methods, and their errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim } from '../lib/index';

class Mixer extends nn.Module {
  readonly scales = new nn.ParameterList([bp.ones([2]), bp.zeros([3])]);
  readonly named = new nn.ParameterDict({ shift: bp.full([2], 0.5) });
  forward(x: bp.Tensor): bp.Tensor {
    return x.mul(this.scales.at(0)).add(this.named.get('shift'));
  }
}

it('holds parameters as torch does: names, state dicts, optimizers', () => {
  const m = new Mixer();
  expect(m.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([['scales.0', [2]], ['scales.1', [3]], ['named.shift', [2]]]);
  expect(m.scales.at(-1)).toBeInstanceOf(nn.Parameter);
  const opt = new optim.SGD(m.parameters(), { lr: 0.5 });
  m.forward(bp.tensor([1, 2])).sum().backward();
  opt.step();
  expect(Array.from(m.scales.at(0).data)).toEqual([0.5, 0]);
  expect(Array.from(m.named.get('shift').data)).toEqual([0, 0]);
  const fresh = new Mixer();
  fresh.loadStateDict(m.stateDict());
  expect(Array.from(fresh.scales.at(0).data)).toEqual([0.5, 0]);
  m.scales.append(bp.ones([1])).extend([bp.ones([4])]);
  m.named.set('gain', bp.ones([1]));
  expect(m.scales.length).toBe(4);
  expect([...m.scales].map((p) => p.size)).toEqual([2, 3, 1, 4]);
  expect(m.named.keys()).toEqual(['shift', 'gain']);
  expect(m.named.size).toBe(2);
  expect(m.named.has('gain')).toBe(true);
  expect(m.named.values().length).toBe(2);
});

it('names the container and what was wrong', () => {
  const l = new nn.ParameterList([bp.ones([1])]);
  const d = new nn.ParameterDict([['a', bp.ones([1])]]);
  expect(() => l.at(1)).toThrow('ParameterList.at: index 1 out of range for 1 parameters');
  expect(() => l.append(3 as never)).toThrow('ParameterList.append: expected a Tensor or Parameter, got 3');
  expect(() => new nn.ParameterList(bp.ones([2]) as never)).toThrow('ParameterList: expected an iterable of Tensors, got a tensor of shape [2]');
  expect(() => d.get('b')).toThrow('ParameterDict.get: no parameter under "b" (the keys are "a")');
  expect(() => d.set('x.y', bp.ones([1]))).toThrow('ParameterDict: a key must be a non-empty string without \'.\', got "x.y"');
  expect(() => d.set('get', bp.ones([1]))).toThrow('ParameterDict: key "get" is the name of a ParameterDict member');
  expect(() => l.forward()).toThrow('ParameterList: has no forward; use its parameters (list.at(i))');
});
