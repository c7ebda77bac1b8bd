// torch's remaining everyday Module and Tensor conveniences: registerBuffer / registerParameter /
// registerModule (addModule), getSubmodule, getParameter, buffers(); expandAs, viewAs, reshapeAs,
// the new* constructors, ger, nelement, elementSize, isContiguous, contiguous; and their errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';

describe('Module registration and lookup', () => {
  it('registers parameters, buffers and children under torch names and finds them by dotted path', () => {
    const block = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());
    const root = new nn.Sequential();
    root.registerModule('body', block);
    root.addModule('head', new nn.Linear(3, 1));
    root.registerBuffer('steps', bp.zeros([1]));
    root.registerParameter('scale', new nn.Parameter(bp.ones([1])));
    // torch's orders (asked of torch 1.13): a module's own parameters (and in the state dict its
    // buffers) before its children's, whatever order they were registered in.
    expect(root.namedParameters().map(([k]) => k)).toEqual(['scale', 'body.0.weight', 'body.0.bias', 'head.weight', 'head.bias']);
    expect(Object.keys(root.stateDict())).toEqual(['scale', 'steps', 'body.0.weight', 'body.0.bias', 'head.weight', 'head.bias']);
    expect(root.buffers().length).toBe(1);
    expect(root.getSubmodule('body.0')).toBe(block.layers[0]);
    expect(root.getSubmodule('')).toBe(root);
    expect(root.getParameter('body.0.bias')).toBe((block.layers[0] as nn.Linear).bias);
    root.registerParameter('scale', null);
    expect(root.namedParameters().map(([k]) => k)).not.toContain('scale');
    expect(() => root.getSubmodule('body.2')).toThrow(/^Sequential.getSubmodule: Sequential has no submodule '2' \(in 'body.2'\)$/);
    expect(() => root.getParameter('body.0.gain')).toThrow(/^Sequential.getParameter: Linear has no parameter 'gain' \(in 'body.0.gain'\)$/);
    expect(() => root.registerParameter('a.b', new nn.Parameter(bp.ones([1])))).toThrow(/^Sequential.registerParameter: name must be a non-empty string without dots, got "a.b"$/);
    expect(() => root.registerParameter('w', bp.ones([1]) as nn.Parameter)).toThrow(/^Sequential.registerParameter: 'w' must be a Parameter \(or null\), got a tensor of shape \[1\]$/);
    expect(() => root.registerModule('m', {} as nn.Module)).toThrow(/^Sequential.registerModule: 'm' must be a Module/);
    expect(() => root.registerBuffer('b', 3 as unknown as bp.Tensor)).toThrow(/^Sequential.registerBuffer: the buffer must be a Tensor, got 3$/);
  });
});

describe('Tensor conveniences', () => {
  it('expandAs, viewAs, reshapeAs, new*, ger and the element facts', () => {
    const x = bp.tensor([[1], [2]]);
    const y = bp.zeros([2, 3]);
    expect(Array.from(x.expandAs(y).data)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(bp.arange(6).viewAs(y).shape).toEqual([2, 3]);
    expect(bp.arange(6).reshapeAs(y).shape).toEqual([2, 3]);
    expect(Array.from(x.newOnes([2]).data)).toEqual([1, 1]);
    expect(Array.from(x.newZeros([1, 2]).data)).toEqual([0, 0]);
    expect(Array.from(x.newFull([2], 7).data)).toEqual([7, 7]);
    expect(x.newEmpty([3]).shape).toEqual([3]);
    expect(Array.from(x.newTensor([4, 5]).data)).toEqual([4, 5]);
    expect(Array.from(bp.tensor([1, 2]).ger(bp.tensor([3, 4])).data)).toEqual([3, 4, 6, 8]);
    expect(y.nelement()).toBe(6);
    expect(y.elementSize()).toBe(4);
    expect(y.isContiguous()).toBe(true);
    const t = y.transpose(0, 1);
    expect([t.contiguous() === t, t.contiguous().view([6]).shape]).toEqual([true, [6]]);
    expect(() => x.expandAs([2, 3] as unknown as bp.Tensor)).toThrow(/^expandAs: other must be a Tensor, got \[2, 3\]$/);
  });
});
