// bp.fft (lib/fft.ts, lib/ops/fft_core.ts) against torch 1.13's torch.fft, complex tensors crossing as
// torch.view_as_real pairs: values and every input's gradient on both backends, at the edge lengths
// (mixed-radix and Bluestein lengths), with n cut and padded, every norm, other dims, the
// n-dimensional, real and Hermitian forms, frequencies and shifts, and long rows. Then round trips, a second
// derivative, and errors; and the native fftRows and realFftRows kernels' argument errors.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { loadNative } from '../lib/backend/native';
import type { Backend } from '../lib/backend/backend';
import { fftPlan, realFftPlan } from '../lib/backend/reference/fft';
import { eachBackend, nativeExpected } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const F = bp.fft;
const x = inputMaker(6900);
const flat = (...ts: bp.Tensor[]) => bp.cat(ts.map((t) => t.reshape([-1])));
const C = (name: string) => `torch.view_as_complex(${name})`;
const R = (e: string) => `torch.view_as_real(${e}).reshape(-1)`;

// Powers of two (1, 8, 64; rfft's even lengths through the real kernel), radices 3, 5, 7, 13 and 37
// (a generic pass); Bluestein's lengths in LONG (torch's float32 transforms of them err by more).
const EDGES = [1, 7, 8, 9, 37, 63, 64, 65, 74];
const CALLS: TorchCall[] = [
  ...EDGES.map((n): TorchCall => ({ name: `fft and ifft of length ${n}`, inputs: { a: x([2, n, 2]) },
    ours: (t) => flat(F.fft(t.a), F.ifft(t.a)), py: `torch.cat([${R(`torch.fft.fft(${C('a')})`)}, ${R(`torch.fft.ifft(${C('a')})`)}])` })),
  ...EDGES.map((n): TorchCall => ({ name: `rfft and irfft of length ${n}`, inputs: { a: x([3, n]), s: x([2, Math.floor(n / 2) + 1, 2]) },
    ours: (t) => flat(F.rfft(t.a), F.irfft(t.s, { n })), py: `torch.cat([${R('torch.fft.rfft(a)')}, torch.fft.irfft(${C('s')}, n=${n}).reshape(-1)])` })),
  { name: 'fft with n padded and cut, along dim 0, each norm', inputs: { a: x([5, 3, 2]) },
    ours: (t) => flat(F.fft(t.a, { n: 8, dim: 0 }), F.fft(t.a, { n: 3, dim: 0, norm: 'ortho' }), F.ifft(t.a, { dim: 1, norm: 'forward' }), F.fft(t.a, { norm: 'forward' }), F.ifft(t.a, { n: 6, norm: 'ortho' })),
    py: `torch.cat([${R(`torch.fft.fft(${C('a')}, n=8, dim=0)`)}, ${R(`torch.fft.fft(${C('a')}, n=3, dim=0, norm="ortho")`)}, ${R(`torch.fft.ifft(${C('a')}, dim=1, norm="forward")`)}, ${R(`torch.fft.fft(${C('a')}, norm="forward")`)}, ${R(`torch.fft.ifft(${C('a')}, n=6, norm="ortho")`)}])` },
  { name: 'rfft with n padded and cut, along dim 0, norms', inputs: { a: x([6, 4]) },
    ours: (t) => flat(F.rfft(t.a, { n: 9 }), F.rfft(t.a, { n: 3, norm: 'ortho' }), F.rfft(t.a, { dim: 0, norm: 'forward' })),
    py: `torch.cat([${R('torch.fft.rfft(a, n=9)')}, ${R('torch.fft.rfft(a, n=3, norm="ortho")')}, ${R('torch.fft.rfft(a, dim=0, norm="forward")')}])` },
  { name: 'irfft: default n, odd n, n past the bins (zeros), along dim 0, norms', inputs: { s: x([5, 3, 2]) },
    ours: (t) => flat(F.irfft(t.s), F.irfft(t.s, { n: 5 }), F.irfft(t.s, { n: 11, norm: 'ortho' }), F.irfft(t.s, { dim: 0, norm: 'forward' })),
    py: `torch.cat([torch.fft.irfft(${C('s')}).reshape(-1), torch.fft.irfft(${C('s')}, n=5).reshape(-1), torch.fft.irfft(${C('s')}, n=11, norm="ortho").reshape(-1), torch.fft.irfft(${C('s')}, dim=0, norm="forward").reshape(-1)])` },
  { name: 'fft2, ifft2 with s, fftn over every dim, ifftn over chosen dims', inputs: { a: x([3, 4, 5, 2]) },
    ours: (t) => flat(F.fft2(t.a), F.ifft2(t.a, { s: [2, 6] }), F.fftn(t.a), F.ifftn(t.a, { dim: [0, 2], norm: 'ortho' })),
    py: `torch.cat([${R(`torch.fft.fft2(${C('a')})`)}, ${R(`torch.fft.ifft2(${C('a')}, s=(2, 6))`)}, ${R(`torch.fft.fftn(${C('a')})`)}, ${R(`torch.fft.ifftn(${C('a')}, dim=(0, 2), norm="ortho")`)}])` },
  { name: 'rfft2, rfftn with s, irfft2, irfftn with s', inputs: { a: x([3, 4, 6]), s: x([4, 3, 4, 2]) },
    ours: (t) => flat(F.rfft2(t.a), F.rfftn(t.a, { s: [5, 3] }), F.irfft2(t.s), F.irfftn(t.s, { s: [2, 3, 7] })),
    py: `torch.cat([${R('torch.fft.rfft2(a)')}, ${R('torch.fft.rfftn(a, s=(5, 3))')}, torch.fft.irfft2(${C('s')}).reshape(-1), torch.fft.irfftn(${C('s')}, s=(2, 3, 7)).reshape(-1)])` },
  { name: 'hfft and ihfft: default n, n given, norms, dim 0', inputs: { s: x([3, 5, 2]), a: x([4, 6]) },
    // The pairs first: torch 1.13's view_as_real backward refuses a gradient at an odd offset of cat's.
    ours: (t) => flat(F.ihfft(t.a), F.ihfft(t.a, { n: 5, norm: 'ortho' }), F.ihfft(t.a, { dim: 0, norm: 'forward' }), F.hfft(t.s), F.hfft(t.s, { n: 7, norm: 'ortho' }), F.hfft(t.s, { dim: 0, norm: 'forward' })),
    py: `torch.cat([${R('torch.fft.ihfft(a).resolve_conj()')}, ${R('torch.fft.ihfft(a, n=5, norm="ortho").resolve_conj()')}, ${R('torch.fft.ihfft(a, dim=0, norm="forward").resolve_conj()')}, torch.fft.hfft(${C('s')}).reshape(-1), torch.fft.hfft(${C('s')}, n=7, norm="ortho").reshape(-1), torch.fft.hfft(${C('s')}, dim=0, norm="forward").reshape(-1)])` },
  { name: 'hfft2, hfftn with s, ihfft2, ihfftn with s and dims', inputs: { s: x([4, 3, 4, 2]), a: x([3, 4, 6]) },
    ours: (t) => flat(F.ihfft2(t.a, { norm: 'ortho' }), F.ihfftn(t.a, { s: [5, 3] }), F.ihfftn(t.a, { dim: [0, 2] }), F.hfft2(t.s), F.hfftn(t.s, { s: [2, 3, 7] })),
    py: `torch.cat([${R('torch.fft.ihfft2(a, norm="ortho").resolve_conj()')}, ${R('torch.fft.ihfftn(a, s=(5, 3)).resolve_conj()')}, ${R('torch.fft.ihfftn(a, dim=(0, 2)).resolve_conj()')}, torch.fft.hfft2(${C('s')}).reshape(-1), torch.fft.hfftn(${C('s')}, s=(2, 3, 7)).reshape(-1)])` },
  { name: 'fftfreq, rfftfreq, fftshift and ifftshift', inputs: { a: x([4, 5]) },
    ours: (t) => flat(F.fftfreq(7), F.fftfreq(8, 0.5), F.rfftfreq(7, 2), F.rfftfreq(8), F.fftshift(t.a), F.ifftshift(t.a, 1), F.fftshift(t.a, [0])),
    py: 'torch.cat([torch.fft.fftfreq(7), torch.fft.fftfreq(8, 0.5), torch.fft.rfftfreq(7, 2), torch.fft.rfftfreq(8), torch.fft.fftshift(a).reshape(-1), torch.fft.ifftshift(a, 1).reshape(-1), torch.fft.fftshift(a, [0]).reshape(-1)])' },
];

const LONG: TorchCall[] = [
  { name: 'rfft of 1000 and 4096 samples (the real kernel), norm ortho', inputs: { a: x([2, 1000]), b: x([4096]) },
    ours: (t) => flat(F.rfft(t.a, { norm: 'ortho' }), F.rfft(t.b, { norm: 'ortho' })), py: `torch.cat([${R('torch.fft.rfft(a, norm="ortho")')}, ${R('torch.fft.rfft(b, norm="ortho")')}])` },
  { name: 'fft and backward of 257 (Bluestein), rfft of 514 (its half Bluestein) and irfft to 514', inputs: { a: x([2, 257, 2]), b: x([3, 514]), s: x([2, 258, 2]) },
    ours: (t) => flat(F.fft(t.a), F.rfft(t.b), F.irfft(t.s, { n: 514 })), py: `torch.cat([${R(`torch.fft.fft(${C('a')})`)}, ${R('torch.fft.rfft(b)')}, torch.fft.irfft(${C('s')}, n=514).reshape(-1)])` },
  { name: 'ifft of 997 (a prime) complex samples', inputs: { a: x([997, 2]) }, ours: (t) => F.ifft(t.a, { norm: 'ortho', dim: 0 }), py: `torch.view_as_real(torch.fft.ifft(${C('a')}, norm="ortho", dim=0))` },
];

noteIfNoTorch('the comparison of bp.fft with torch.fft');
eachBackend('fft', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch.fft's (values and gradients)`, () => expectCallsLikeTorch(CALLS, 1e-5));
  it.runIf(haveTorch)('long rows as torch.fft\'s (within float32\'s rounding of sums of thousands)', () => expectCallsLikeTorch(LONG, 1e-4));
});

eachBackend('fft of rows long enough for four steps', () => {
  // The DFT in double at chosen bins: 2^16 complex samples (256 x 256), a prime (Bluestein's
  // convolution in four steps), 2^17 real samples (a complex half of 2^16).
  const dft = (re: Float32Array, im: Float32Array | null, k: number): [number, number] => {
    const n = re.length;
    let sr = 0, si = 0;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n, c = Math.cos(a), s = Math.sin(a), xi = im ? im[j] : 0;
      sr += re[j] * c - xi * s;
      si += re[j] * s + xi * c;
    }
    return [sr, si];
  };
  it('matches the DFT in double at sampled bins', () => {
    for (const [n, real] of [[65536, false], [65537, false], [131072, true]] as const) {
      const sig = bp.randn(real ? [n] : [n, 2]);
      const re = real ? sig.data : bp.select(sig, 1, 0).contiguous().data, im = real ? null : bp.select(sig, 1, 1).contiguous().data;
      const got = real ? F.rfft(sig) : F.fft(sig);
      for (const k of [0, 1, 255, 256, 257, 4097, 32768, 65535]) {
        const [wr, wi] = dft(re, im, k);
        // |X_k| is about sqrt(n) ~ 256-362: float32 rounding of that, with room for the sums' own.
        expect(Math.abs(got.data[2 * k] - wr), `n ${n} bin ${k} real part`).toBeLessThan(2e-4);
        expect(Math.abs(got.data[2 * k + 1] - wi), `n ${n} bin ${k} imaginary part`).toBeLessThan(2e-4);
      }
    }
  });
});

it('gives signals back, and a second derivative through the transform', () => {
  const a = bp.randn([3, 30]);
  expect(F.irfft(F.rfft(a), { n: 30 }).sub(a).abs().max().item()).toBeLessThan(1e-5);
  const c = bp.randn([2, 3, 5, 2]);
  expect(F.ifftn(F.fftn(c)).sub(c).abs().max().item()).toBeLessThan(1e-5);
  // sum |rfft(x)|^2 (one-sided) has gradient linear in x; its second derivative against finite differences of the first.
  const v = bp.tensor([0.3, -1, 2, 0.5, -0.25], { requiresGrad: true });
  const energy = (t: bp.Tensor) => F.rfft(t).square().sum();
  const [g] = bp.autograd.grad([energy(v)], [v], { createGraph: true });
  const [h] = bp.autograd.grad([g!.mul(bp.tensor([1, 2, 3, 4, 5])).sum()], [v]);
  const eps = 1e-2, w = bp.tensor([1, 2, 3, 4, 5]);
  const gAt = (t: bp.Tensor) => bp.autograd.grad([energy(t)], [t])[0]!.mul(w).sum().item();
  for (let i = 0; i < 5; i++) {
    const e = bp.zeros([5]);
    e.data[i] = eps;
    const numeric = (gAt(v.detach().add(e).requiresGrad_()) - gAt(v.detach().sub(e).requiresGrad_())) / (2 * eps);
    expect(Math.abs(h!.data[i] - numeric), `element ${i}`).toBeLessThan(1e-2);
  }
});

it('names the function and the bad argument', () => {
  expect(() => F.fft(bp.randn([4]))).toThrow('fft: input must be complex, held as real and imaginary parts in a last dim of 2');
  expect(() => F.fft(bp.randn([4, 3]))).toThrow('fft: input must be complex');
  expect(() => F.fft(bp.randn([4, 2]), { n: 0 })).toThrow('fft: n must be a positive integer, got 0');
  expect(() => F.fft(bp.randn([4, 2]), { dim: 1 })).toThrow('fft: dim');
  expect(() => F.ifft(bp.randn([4, 2]), { norm: 'none' as never })).toThrow(`ifft: norm must be one of 'backward', 'forward', 'ortho', got "none"`);
  expect(() => F.rfft(bp.tensor(3))).toThrow('rfft: input must have at least one dim');
  expect(() => F.irfft(bp.randn([1, 2]))).toThrow('irfft: 1 bins give no default n (2 (bins - 1)); give n');
  expect(() => F.fftn(bp.randn([3, 4, 2]), { s: [3, 4], dim: [0] })).toThrow('fftn: s [3, 4] and dim [0] must be as long');
  expect(() => F.fftn(bp.randn([3, 4, 2]), { s: [0] })).toThrow('fftn: s must be an array of positive integers, got [0]');
  expect(() => F.fftfreq(0)).toThrow('fftfreq: n must be a positive integer, got 0');
  expect(() => F.fft(bp.randn([4, 2]), { size: 3 } as never)).toThrow("fft: unknown option 'size'");
  expect(() => F.hfft(bp.randn([4, 3]))).toThrow('hfft: input must be complex');
  expect(() => F.hfft(bp.randn([1, 2]))).toThrow('hfft: 1 bins give no default n');
  expect(() => F.ihfft(bp.randn([4]), { norm: 'half' as never })).toThrow("ihfft: norm must be one of 'backward', 'forward', 'ortho', got \"half\"");
  expect(() => F.hfftn(bp.randn([3, 4, 2]), { s: [3, 4], dim: [0] })).toThrow('hfftn: s [3, 4] and dim [0] must be as long');
  expect(() => F.ihfft2(bp.tensor(3))).toThrow('ihfft2: no dims to transform');
});

describe('the fftRows kernel (its bits against the reference: test/parity.test.ts)', () => {
  const native: Backend | null = nativeExpected() ? loadNative().backend : null;

  it.runIf(native !== null)('refuses arguments that would reach outside the arrays', () => {
    const plan = fftPlan(6);
    expect(() => native!.fftRows(new Float32Array(24), 6, 2, false, plan, new Float32Array(23))).toThrow('fftRows: out has 23 elements, expected 24');
    expect(() => native!.fftRows(new Float32Array(20), 6, 2, false, plan, new Float32Array(24))).toThrow('fftRows: x has 20 elements, expected 24');
    expect(() => native!.fftRows(new Float32Array(24), 6, 2, false, fftPlan(8), new Float32Array(24))).toThrow('fftRows: plan has 6 elements, expected 10');
    const real = realFftPlan(6);
    expect(() => native!.realFftRows(new Float32Array(12), 5, 2, false, realFftPlan(6), new Float32Array(14))).toThrow('realFftRows: n must be even, got 5');
    expect(() => native!.realFftRows(new Float32Array(12), 6, 2, false, real, new Float32Array(12))).toThrow('realFftRows: out has 12 elements, expected 16');
    expect(() => native!.realFftRows(new Float32Array(12), 6, 2, true, real, new Float32Array(12))).toThrow('realFftRows: x has 12 elements, expected 16');
    expect(() => native!.realFftRows(new Float32Array(12), 6, 2, false, fftPlan(6), new Float32Array(16))).toThrow(`realFftRows: plan has 10 elements, expected ${real.length}`);
    const rows = new Float32Array(40);
    expect(() => native!.realFftRows(rows.subarray(0, 12), 6, 2, false, real, rows.subarray(10, 26))).toThrow('realFftRows: out (argument 5) shares memory with x');
    const shared = new Float32Array(30);
    expect(() => native!.fftRows(shared.subarray(0, 24), 6, 2, false, plan, shared.subarray(2, 26))).toThrow('fftRows: out (argument 5) overlaps x without being it');
  });
});
