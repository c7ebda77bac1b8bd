// stft and istft (lib/ops/stft.ts) against torch 1.13 (torch.view_as_real of its complex spectra, and
// torch.view_as_complex of the spectra given to istft): values and the gradients of the signal, the
// spectrum and the window, on both backends; windows shorter than nFft, odd nFft, every pad mode,
// centre or not, one- and two-sided, normalized, a length cut and padded. Then the round trip and errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';
import { sameBitsButNaNs } from './helpers/golden';

const x = inputMaker(6400);
const window = (n: number) => x([n], 0.2, 1.2);
const real = (e: string) => `torch.view_as_real(${e})`;

const CALLS: TorchCall[] = [
  { name: 'stft of a signal: defaults (rectangular window, hop nFft / 4, reflect)', inputs: { a: x([40]) },
    ours: (t) => bp.stft(t.a, 16), py: real('torch.stft(a, 16, return_complex=True)') },
  { name: 'stft of a batch: window shorter than nFft (odd difference), hop 5, normalized, constant padding (method)', inputs: { a: x([2, 37]), w: window(11) },
    ours: (t) => t.a.stft(16, { hopLength: 5, winLength: 11, window: t.w, normalized: true, padMode: 'constant' }),
    py: real('torch.stft(a, 16, hop_length=5, win_length=11, window=w, normalized=True, pad_mode="constant", return_complex=True)') },
  { name: 'stft odd nFft, not centred, two-sided', inputs: { a: x([2, 30]), w: window(9) },
    ours: (t) => bp.stft(t.a, 9, { hopLength: 3, window: t.w, center: false, onesided: false }),
    py: real('torch.stft(a, 9, hop_length=3, window=w, center=False, onesided=False, return_complex=True)') },
  { name: 'stft replicate and circular padding', inputs: { a: x([25]) },
    ours: (t) => bp.cat([bp.stft(t.a, 8, { padMode: 'replicate' }).reshape([-1]), bp.stft(t.a, 8, { padMode: 'circular', hopLength: 3 }).reshape([-1])]),
    py: `torch.cat([${real('torch.stft(a, 8, pad_mode="replicate", return_complex=True)')}.reshape(-1), ${real('torch.stft(a, 8, pad_mode="circular", hop_length=3, return_complex=True)')}.reshape(-1)])` },
  { name: 'stft with a Hann window, nFft 64 (large)', inputs: { a: x([3, 300]) },
    ours: (t) => bp.stft(t.a, 64, { hopLength: 16, window: bp.hannWindow(64) }), py: real('torch.stft(a, 64, hop_length=16, window=torch.hann_window(64), return_complex=True)') },
  { name: 'istft of a spectrum with a Hann window, centred', inputs: { s: x([9, 7, 2]) },
    ours: (t) => bp.istft(t.s, 16, { window: bp.hannWindow(16) }), py: 'torch.istft(torch.view_as_complex(s), 16, window=torch.hann_window(16))' },
  { name: 'istft of a batch: window shorter than nFft and learnt, hop 3, normalized, length cut (method)', inputs: { s: x([2, 5, 9, 2]), w: window(6) },
    ours: (t) => t.s.istft(8, { hopLength: 3, winLength: 6, window: t.w, normalized: true, length: 20 }),
    py: 'torch.istft(torch.view_as_complex(s), 8, hop_length=3, win_length=6, window=w, normalized=True, length=20)' },
  { name: 'istft not centred, Hamming window, length past the frames (zeros)', inputs: { s: x([5, 6, 2]) },
    ours: (t) => bp.istft(t.s, 8, { window: bp.hammingWindow(8), center: false, length: 30 }),
    py: 'torch.istft(torch.view_as_complex(s), 8, window=torch.hamming_window(8), center=False, length=30)' },
  { name: 'istft of a two-sided spectrum, even nFft (its bins up to nFft / 2 read, as torch\'s irfft reads them)', inputs: { s: x([8, 6, 2]) },
    ours: (t) => bp.istft(t.s, 8, { hopLength: 2 }), py: 'torch.istft(torch.view_as_complex(s), 8, hop_length=2, onesided=False)' },
  { name: 'istft of a two-sided spectrum, odd nFft', inputs: { s: x([7, 6, 2]) },
    ours: (t) => bp.istft(t.s, 7, { hopLength: 2 }), py: 'torch.istft(torch.view_as_complex(s), 7, hop_length=2)' },
  { name: 'istft of stft (the round trip), with the window learnt', inputs: { a: x([2, 50]), w: window(16) },
    ours: (t) => bp.istft(bp.stft(t.a, 16, { window: t.w }), 16, { window: t.w, length: 50 }),
    py: 'torch.istft(torch.stft(a, 16, window=w, return_complex=True), 16, window=w, length=50)' },
];

eachBackend('stft and istft', () => {
  it.skipIf(!haveTorch)('match torch 1.13: values and gradients', () => expectCallsLikeTorch(CALLS, 5e-5));
});
noteIfNoTorch('the comparison of stft and istft with torch');

eachBackend('stft without gradients', () => {
  it('transforms the frames where they lie (framedSpectrum) with the bits of the recorded ops', () => {
    const configs: [number[], number, bp.StftOptions][] = [
      [[3, 1000], 128, { hopLength: 32, window: bp.hannWindow(128) }],
      [[1000], 400, { hopLength: 160, window: bp.hannWindow(400) }],
      [[2, 37], 16, { hopLength: 5, winLength: 11, window: bp.rand([11]), normalized: true, padMode: 'constant' }],
      [[2, 300], 64, { center: false, hopLength: 7 }],
      [[40], 16, {}],
      [[2, 50], 8, { padMode: 'circular', hopLength: 1, window: bp.rand([8]) }],
    ];
    for (const [shape, nFft, options] of configs) {
      // -0, an infinity and a NaN among the samples: the window's products must be the same ones.
      const a = bp.randn(shape);
      a.data[3] = -0;
      a.data[17] = Infinity;
      a.data[29] = NaN;
      const plain = bp.stft(a, nFft, options);
      const recorded = bp.stft(a.clone().requiresGrad_(), nFft, options);
      const what = `shape [${shape}], nFft ${nFft}, ${JSON.stringify({ ...options, window: options.window ? 'given' : undefined })}`;
      expect(plain.shape, what).toEqual(recorded.shape);
      // (Any NaN for a NaN: in the reference, which NaN an infinity times 0 or a NaN meeting a NaN
      // gives depends on how V8 compiled the code at the time, which two paths need not share.)
      expect(sameBitsButNaNs(plain.data, recorded.data), what).toBe(true);
    }
  });
});

it('gives the signal back from its spectrum', () => {
  const a = bp.randn([3, 1000]);
  const w = bp.hannWindow(128);
  const spectrum = bp.stft(a, 128, { hopLength: 32, window: w });
  expect(spectrum.shape).toEqual([3, 65, 32, 2]);
  const back = bp.istft(spectrum, 128, { hopLength: 32, window: w, length: 1000 });
  expect(back.sub(a).abs().max().item()).toBeLessThan(1e-5);
});

it('gives second derivatives through stft and istft (the bins-major real transforms\' own backward graphs), as finite differences of the first', () => {
  // Each energy is quadratic, so its gradient is linear and central differences of it are exact but for rounding.
  const w = bp.hannWindow(16);
  const weights = (shape: number[]) => bp.arange(0, shape.reduce((a, b) => a * b, 1)).reshape(shape).mul(0.37).sin().add(1.5);
  // The first derivative as a function for gradcheck, which also calls it under noGrad.
  const firstDerivative = (energy: (t: bp.Tensor) => bp.Tensor) => (t: bp.Tensor) => bp.enableGrad(() => {
    const at = t.requiresGrad ? t : t.detach().requiresGrad_();
    return bp.autograd.grad([energy(at)], [at], { createGraph: true })[0]!;
  });
  // ... whose values are the plain backward's (the backward graphs' own, checked against it).
  const matchesPlain = (energy: (t: bp.Tensor) => bp.Tensor, x: bp.Tensor) => {
    const at = x.clone().requiresGrad_();
    const plain = bp.autograd.grad([energy(at)], [at])[0]!;
    return firstDerivative(energy)(at).sub(plain).abs().max().item() <= 1e-4 * plain.abs().max().item();
  };
  const a = bp.randn([2, 40]);
  const c = weights([2, 9, 11, 2]);
  const stftEnergy = (t: bp.Tensor) => bp.stft(t, 16, { hopLength: 4, window: w }).square().mul(c).sum();
  expect(matchesPlain(stftEnergy, a)).toBe(true);
  expect(bp.autograd.gradcheck(firstDerivative(stftEnergy), [a.clone().requiresGrad_()], { eps: 1e-2, atol: 2e-2, rtol: 1e-2 })).toBe(true);
  const s = bp.randn([2, 9, 6, 2]);
  const d = weights([2, 20]);
  const istftEnergy = (t: bp.Tensor) => bp.istft(t, 16, { hopLength: 4, window: w }).square().mul(d).sum();
  expect(matchesPlain(istftEnergy, s)).toBe(true);
  expect(bp.autograd.gradcheck(firstDerivative(istftEnergy), [s.clone().requiresGrad_()], { eps: 1e-2, atol: 2e-2, rtol: 1e-2 })).toBe(true);
});

it('names the function and the bad argument', () => {
  const a = bp.randn([20]);
  expect(() => bp.stft(bp.randn([2, 2, 8]), 4)).toThrow('stft: input must be a signal [L] or a batch of them [B, L], got shape [2, 2, 8]');
  expect(() => bp.stft(a, 0)).toThrow('stft: nFft must be a positive integer, got 0');
  expect(() => bp.stft(a, 8, { hopLength: 1.5 })).toThrow('stft: hopLength must be a positive integer, got 1.5');
  expect(() => bp.stft(a, 8, { winLength: 9 })).toThrow('stft: winLength must be at most nFft (8), got 9');
  expect(() => bp.stft(a, 8, { window: bp.ones([7]) })).toThrow('stft: window must be 1-D of winLength 8 elements, got shape [7]');
  expect(() => bp.stft(a, 8, { winLength: 6, window: bp.ones([7]) })).toThrow('stft: window must be 1-D of winLength 6 elements, got shape [7]');
  expect(() => bp.stft(a, 8, { returnComplex: true })).toThrow('stft: returnComplex true needs a complex dtype');
  expect(() => bp.stft(a, 30, { center: false })).toThrow("stft: nFft (30) must be at most the signal's length (20; input [20])");
  expect(() => bp.stft(a, 40)).toThrow("stft: center's 'reflect' padding of nFft / 2 = 20 samples needs a longer signal than 20");
  expect(bp.stft(a, 40, { padMode: 'constant' }).shape).toEqual([21, 3, 2]);
  expect(() => bp.stft(a, 8, { padMode: 'mirror' as never })).toThrow("pad: mode must be one of");
  expect(() => bp.stft(a, 8, { hop: 2 } as never)).toThrow("stft: unknown option 'hop'");
  const s = bp.stft(a, 8);
  expect(() => bp.istft(s.narrow(-1, 0, 1), 8)).toThrow('istft: input must be a spectrum [bins, frames, 2] or a batch of them');
  expect(() => bp.istft(s, 10)).toThrow('istft: a one-sided spectrum of nFft 10 has 6 bins, got 5 (input [5, 11, 2])');
  expect(() => bp.istft(s, 8, { length: -1 })).toThrow('istft: length must be a non-negative integer, got -1');
  expect(() => bp.istft(bp.randn([5, 5, 2]), 8, { window: bp.hannWindow(8), center: false })).toThrow("istft: the window's squares overlap-added fall to 0");
  expect(() => bp.istft(bp.randn([5, 1, 2]), 8, { length: 0 })).toThrow('istft: the result would hold no samples (the frames cover 8, center drops 4 at each end, length 0; input [5, 1, 2])');
  expect(() => bp.istft(bp.randn([5, 1, 2]), 8)).toThrow('istft: the result would hold no samples (the frames cover 8, center drops 4 at each end; input [5, 1, 2])');
  expect(bp.istft(bp.randn([5, 1, 2]), 8, { center: false }).shape).toEqual([8]);
});
