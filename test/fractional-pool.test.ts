// Fractional max pooling (F.fractionalMaxPool2d / 3d, nn.FractionalMaxPool2d / 3d) against torch 1.13
// with the same window samples: values, indices and the input's gradient, batched and unbatched, by
// outputSize and by outputRatio, with ties and NaN in the windows; the layers draw their own samples;
// then the errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { CallInput, expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const F = nn.functional;
const x = inputMaker(7100);
/** Samples in [0, 1) (no gradient). */
const u = (shape: number[]): CallInput => x(shape, 0, 1, false);
/** Integer values with ties, and a NaN. */
const tied = (shape: number[]): CallInput => {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Array.from({ length: n }, (_, i) => (i === 7 ? NaN : ((i * 5) % 7) - 3)), grad: true };
};

const CALLS: TorchCall[] = [
  { name: '2-D by outputSize', inputs: { a: x([2, 3, 9, 11]), s: u([2, 3, 2]) },
    ours: (t) => { const r = F.fractionalMaxPool2dWithIndices(t.a, 3, { outputSize: [4, 5], randomSamples: t.s }); return bp.cat([r.values.reshape([-1]), r.indices.reshape([-1])]); },
    py: 'torch.cat([t.reshape(-1) for t in F.fractional_max_pool2d(a, 3, output_size=(4, 5), return_indices=True, _random_samples=s)])' },
  { name: '2-D by outputRatio, a rectangular window, unbatched', inputs: { a: x([2, 10, 8]), s: u([1, 2, 2]) },
    ours: (t) => F.fractionalMaxPool2d(t.a, [2, 3], { outputRatio: [0.5, 0.7], randomSamples: t.s }),
    py: 'F.fractional_max_pool2d(a, (2, 3), output_ratio=(0.5, 0.7), _random_samples=s)' },
  { name: '2-D with ties and a NaN, output 1 and the full size', inputs: { a: tied([1, 2, 5, 6]), s: u([1, 2, 2]) },
    ours: (t) => bp.cat([F.fractionalMaxPool2d(t.a, 2, { outputSize: [1, 5], randomSamples: t.s }).reshape([-1]), F.fractionalMaxPool2d(t.a, 2, { outputSize: [4, 3], randomSamples: t.s }).reshape([-1])]),
    py: 'torch.cat([F.fractional_max_pool2d(a, 2, output_size=(1, 5), _random_samples=s).reshape(-1), F.fractional_max_pool2d(a, 2, output_size=(4, 3), _random_samples=s).reshape(-1)])' },
  { name: '3-D by outputSize, with indices', inputs: { a: x([2, 2, 6, 7, 8]), s: u([2, 2, 3]) },
    ours: (t) => { const r = F.fractionalMaxPool3dWithIndices(t.a, [2, 3, 2], { outputSize: [3, 4, 5], randomSamples: t.s }); return bp.cat([r.values.reshape([-1]), r.indices.reshape([-1])]); },
    py: 'torch.cat([t.reshape(-1) for t in F.fractional_max_pool3d(a, (2, 3, 2), output_size=(3, 4, 5), return_indices=True, _random_samples=s)])' },
  { name: '3-D by outputRatio, unbatched', inputs: { a: x([3, 5, 6, 7]), s: u([1, 3, 3]) },
    ours: (t) => F.fractionalMaxPool3d(t.a, 2, { outputRatio: 0.6, randomSamples: t.s }),
    py: 'F.fractional_max_pool3d(a, 2, output_ratio=0.6, _random_samples=s)' },
];

noteIfNoTorch('the comparison of the fractional max poolings with torch');
eachBackend('fractional max pooling', () => {
  it.runIf(haveTorch)('values, indices and gradients as torch\'s with the same samples', () => {
    expectCallsLikeTorch(CALLS, 1e-6);
  });

  it('the layers draw their samples from the generator, each forward anew', () => {
    const pool = new nn.FractionalMaxPool2d(2, { outputRatio: 0.5 });
    const input = bp.randn([1, 2, 8, 8]);
    bp.manualSeed(4);
    const a = pool.forward(input);
    bp.manualSeed(4);
    const samples = bp.rand([1, 2, 2]);
    expect(Array.from(a.data)).toEqual(Array.from(F.fractionalMaxPool2d(input, 2, { outputRatio: 0.5, randomSamples: samples }).data));
    expect(a.shape).toEqual([1, 2, 4, 4]);
    expect(new nn.FractionalMaxPool3d(2, { outputSize: 3 }).forward(bp.randn([2, 6, 6, 6])).shape).toEqual([2, 3, 3, 3]);
    expect(String(pool)).toBe('FractionalMaxPool2d()');
  });
});

describe('fractional max pooling errors', () => {
  it('names what is wrong', () => {
    const a = bp.zeros([1, 1, 6, 6]);
    expect(() => F.fractionalMaxPool2d(a, 2, {})).toThrow('fractionalMaxPool2d: give either outputSize or outputRatio (one of the two)');
    expect(() => F.fractionalMaxPool2d(a, 2, { outputSize: 3, outputRatio: 0.5 })).toThrow(/one of the two/);
    expect(() => F.fractionalMaxPool2d(a, 4, { outputSize: 4 })).toThrow("fractionalMaxPool2d: the window 4 and the output size 4 are too large for the input's size 6 in spatial dim 0 (output + window - 1 must be at most the input)");
    expect(() => F.fractionalMaxPool2d(a, 2, { outputRatio: 1.5 })).toThrow('fractionalMaxPool2d: outputRatio must be a number or 2 numbers, each in (0, 1), got 1.5');
    expect(() => F.fractionalMaxPool2d(a, 0, { outputSize: 2 })).toThrow('fractionalMaxPool2d: kernelSize must be a number or 2 numbers, each a positive integer, got 0');
    expect(() => F.fractionalMaxPool2d(bp.zeros([6, 6]), 2, { outputSize: 2 })).toThrow('fractionalMaxPool2d: expects a 3-D (unbatched) or 4-D (batched) input, got shape [6, 6]');
    expect(() => F.fractionalMaxPool2d(a, 2, { outputSize: 2, randomSamples: bp.zeros([1, 1, 3]) })).toThrow('fractionalMaxPool2d: randomSamples must be a tensor [1, 1, 2], got [1, 1, 3]');
    expect(() => new nn.FractionalMaxPool3d(2, {})).toThrow('FractionalMaxPool3d: give either outputSize or outputRatio (one of the two)');
  });
});
