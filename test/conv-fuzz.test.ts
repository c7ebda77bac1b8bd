// Random calls of the convolution family (conv1d/2d, the poolings, convTranspose2d, pad,
// interpolate) with sizes and options at and past their edges (0, negative, fractional, NaN, 2^31,
// wrong lengths, empty inputs), on both backends, some followed by backward(): each gives a result
// or an error that names the op (or the storage that could not be allocated). A search like this
// one found a V8 out-of-memory abort, an addon error under another op's name and index -1.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { backendsUnderTest } from './helpers/backends';
import { drawsOf, rng } from './helpers/random';

it('3000 random calls a seed, two seeds, give results or errors that name the op', () => {
  const prev = bp.getBackend();
  const bad = new Set<string>();
  try {
    for (const seed of [1, 2]) {
      const r = rng(seed);
      const { pick } = drawsOf(r);
      const num = () => pick([0, 1, 2, 3, -1, 1.5, 2 ** 31, NaN, 5, 7]);
      const size = () => (r() < 0.5 ? num() : [num(), num()]);
      const shapes = [[1, 1, 3, 3], [2, 3, 5, 4], [3, 5, 4], [2, 3, 8], [4], [0, 3, 4, 4], [1, 0, 4, 4], [2, 2, 0, 3]];
      for (let i = 0; i < 3000; i++) {
        bp.setBackend(pick(backendsUnderTest()));
        const x = bp.randn(pick(shapes), { requiresGrad: r() < 0.5 });
        const w = bp.randn(pick([[2, 3, 3, 3], [3, 1, 2, 2], [4, 3, 2], [3, 2, 1, 1], [1, 1, 1, 1]]));
        const any = <T>(v: unknown) => v as T;
        const calls: [string, () => bp.Tensor][] = [
          ['conv2d', () => bp.conv2d(x, w, pick([null, bp.randn([2]), bp.randn([3])]), any({ stride: size(), padding: r() < 0.1 ? pick(['same', 'valid']) : size(), dilation: size(), groups: pick([1, 1, 2, 3, 0]) }))],
          ['conv1d', () => bp.conv1d(x, w, null, any({ stride: num(), padding: pick([num(), 'same']), dilation: num(), groups: pick([1, 2]) }))],
          ['maxPool2d', () => bp.maxPool2d(x, any(size()), any({ stride: size(), padding: size(), dilation: size(), ceilMode: pick([true, false]) }))],
          ['avgPool2d', () => bp.avgPool2d(x, any(size()), any({ stride: size(), padding: size(), ceilMode: pick([true, false]), countIncludePad: pick([true, false]), divisorOverride: pick([undefined, 1, 0, 2.5]) }))],
          ['maxPool1d', () => bp.maxPool1d(x, num(), { stride: num(), padding: num(), dilation: num() })],
          ['avgPool1d', () => bp.avgPool1d(x, num(), { stride: num(), padding: num() })],
          ['adaptiveAvgPool2d', () => bp.adaptiveAvgPool2d(x, any(size()))],
          ['adaptiveMaxPool2dWithIndices', () => bp.adaptiveMaxPool2dWithIndices(x, any(size())).values],
          ['adaptiveAvgPool1d', () => bp.adaptiveAvgPool1d(x, num())],
          ['adaptiveMaxPool1d', () => bp.adaptiveMaxPool1d(x, num())],
          ['convTranspose2d', () => bp.convTranspose2d(x, w, null, any({ stride: size(), padding: size(), dilation: size(), groups: pick([1, 2, 3]), outputPadding: size() }))],
          ['convTranspose1d', () => bp.convTranspose1d(x, w, null, any({ stride: num(), padding: num(), dilation: num(), groups: pick([1, 2, 3]), outputPadding: num() }))],
          ['unfold', () => bp.unfold(x, any(size()), any({ stride: size(), padding: size(), dilation: size() }))],
          ['fold', () => bp.fold(x, any(size()), any(size()), any({ stride: size(), padding: size(), dilation: size() }))],
          ['pad', () => bp.pad(x, Array.from({ length: pick([2, 4, 6]) }, () => pick([0, 1, -1, 2, -2, 3, -4, 2 ** 31])), { mode: pick(['constant', 'reflect', 'replicate', 'circular']) })],
          ['interpolate', () => bp.interpolate(x, {
            ...(r() < 0.5 ? { size: any(size()) } : { scaleFactor: pick([2, 0.5, 1.5, 1.2, -1, NaN, 2 ** 31]) }),
            mode: pick(['nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'area']), alignCorners: pick([undefined, true, false]),
          })],
        ];
        const [name, f] = pick(calls);
        try {
          const y = f();
          if (y.requiresGrad && r() < 0.5) y.sum().backward();
        } catch (e) {
          const m = (e as Error).message;
          if (!m.startsWith(`${name}: `) && !m.startsWith('cannot allocate')) bad.add(`${name}: ${m.slice(0, 200)}`);
        }
      }
    }
  } finally {
    bp.setBackend(prev);
  }
  expect([...bad]).toEqual([]);
});
