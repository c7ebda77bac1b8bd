// nn.ModuleList and nn.ModuleDict: their modules registered as torch's are (parameters, state-dict
// names, printing, train/eval), their list and dict operations, and the argument errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, Tensor } from '../lib/index';

class Net extends nn.Module {
  blocks = new nn.ModuleList([new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1)]);
  heads = new nn.ModuleDict({ a: new nn.Linear(1, 2), b: new nn.Tanh() });
  forward(x: Tensor): Tensor {
    for (const m of this.blocks) x = m.forward(x);
    return this.heads.get('b').forward(this.heads.get('a').forward(x));
  }
}

describe('ModuleList and ModuleDict', () => {
  it('register their modules as torch does: state-dict names, parameters, printing, modes', () => {
    const net = new Net();
    // torch 1.13's names and print for the same module (nn.ModuleList / nn.ModuleDict fields).
    expect(Object.keys(net.stateDict())).toEqual(['blocks.0.weight', 'blocks.0.bias', 'blocks.2.weight', 'blocks.2.bias', 'heads.a.weight', 'heads.a.bias']);
    expect(net.parameters().length).toBe(6);
    expect(String(net)).toBe([
      'Net(',
      '  (blocks): ModuleList(',
      '    (0): Linear(in_features=2, out_features=3, bias=True)',
      '    (1): ReLU()',
      '    (2): Linear(in_features=3, out_features=1, bias=True)',
      '  )',
      '  (heads): ModuleDict(',
      '    (a): Linear(in_features=1, out_features=2, bias=True)',
      '    (b): Tanh()',
      '  )',
      ')',
    ].join('\n'));
    net.eval();
    expect(net.blocks.at(0).training).toBe(false);
    expect(net.heads.get('a').training).toBe(false);
    const y = net.forward(bp.randn([4, 2]));
    expect(y.shape).toEqual([4, 2]);
    // A state dict goes back in under the same names.
    const other = new Net();
    other.loadStateDict(net.stateDict());
    expect(Array.from((other.blocks.at(-1) as nn.Linear).weight.data)).toEqual(Array.from((net.blocks.at(2) as nn.Linear).weight.data));
  });

  it('ModuleList: at, set, append, extend, insert (renumbered, as torch prints it), iteration', () => {
    const l = new nn.ModuleList([new nn.ReLU()]);
    l.insert(0, new nn.Tanh());
    expect(String(l)).toBe('ModuleList(\n  (0): Tanh()\n  (1): ReLU()\n)');
    l.append(new nn.Sigmoid()).extend([new nn.GELU(), new nn.SiLU()]);
    expect([...l].map((m) => m.constructor.name)).toEqual(['Tanh', 'ReLU', 'Sigmoid', 'GELU', 'SiLU']);
    l.set(-1, new nn.Identity());
    l.insert(-1, new nn.ELU());
    l.insert(99, new nn.Softsign());
    expect([...l].map((m) => m.constructor.name)).toEqual(['Tanh', 'ReLU', 'Sigmoid', 'GELU', 'ELU', 'Identity', 'Softsign']);
    expect(l.length).toBe(7);
    expect(l.at(-2)).toBeInstanceOf(nn.Identity);
    expect(new nn.ModuleList().length).toBe(0);
  });

  it('ModuleDict: get, has, set, pop, update, keys in order', () => {
    const d = new nn.ModuleDict([['x', new nn.ReLU()], ['y', new nn.Linear(2, 2)]]);
    d.update({ z: new nn.Tanh() }).set('x', new nn.Sigmoid());
    expect(d.keys()).toEqual(['x', 'y', 'z']);
    expect(d.get('x')).toBeInstanceOf(nn.Sigmoid);
    expect(d.has('y')).toBe(true);
    expect(d.has('training')).toBe(false);
    expect(d.pop('y')).toBeInstanceOf(nn.Linear);
    expect(d.size).toBe(2);
    expect(d.parameters().length).toBe(0);
    expect(d.entries().map(([k, m]) => `${k}:${m.constructor.name}`)).toEqual(['x:Sigmoid', 'z:Tanh']);
  });

  it('name the bad argument; have no forward', () => {
    const l = new nn.ModuleList();
    expect(() => l.forward(bp.zeros([1]))).toThrow(/ModuleList: has no forward/);
    expect(() => new nn.ModuleDict().forward(bp.zeros([1]))).toThrow(/ModuleDict: has no forward/);
    expect(() => new nn.ModuleList([new nn.ReLU(), 3 as unknown as nn.Module])).toThrow('ModuleList: element 1: expected a Module, got 3');
    expect(() => new nn.ModuleList(5 as unknown as nn.Module[])).toThrow('ModuleList: expected an iterable of Modules, got 5');
    expect(() => l.at(0)).toThrow('ModuleList.at: index 0 out of range for 0 modules');
    expect(() => l.set(0, new nn.ReLU())).toThrow('ModuleList.set: index 0 out of range for 0 modules');
    expect(() => l.insert(0.5, new nn.ReLU())).toThrow('ModuleList.insert: index must be an integer, got 0.5');
    const d = new nn.ModuleDict({ a: new nn.ReLU() });
    expect(() => d.get('b')).toThrow(`ModuleDict.get: no module under "b" (the keys are "a")`);
    expect(() => d.set('a.b', new nn.ReLU())).toThrow(`ModuleDict: a key must be a non-empty string without '.', got "a.b"`);
    expect(() => d.set('training', new nn.ReLU())).toThrow(`ModuleDict: key "training" is the name of a ModuleDict member`);
    expect(() => d.set('keys', new nn.ReLU())).toThrow(/ModuleDict: key "keys" is the name of a ModuleDict member/);
    expect(() => d.set('c', {} as nn.Module)).toThrow(/ModuleDict: the value of "c": expected a Module/);
    expect(() => new nn.ModuleDict([['a']] as unknown as [string, nn.Module][])).toThrow(/ModuleDict: each entry must be a \[key, Module\] pair/);
  });
});
