// F.lpPool1d / lpPool2d and nn.LPPool1d / LPPool2d against torch 1.13 (values and the input's
// gradient, on both backends; a window of zeros has gradient 0 there, as torch's), repr, errors.
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { haveTorch, noteIfNoTorch } from './helpers/torch';
import { expectCallsLikeTorch, inputMaker, TorchCall } from './helpers/torch_calls';

const x = inputMaker(6200);
const F = nn.functional;

const CALLS: TorchCall[] = [
  { name: 'lpPool2d p 2, kernel 2', inputs: { a: x([1, 2, 4, 4]) }, ours: (t) => F.lpPool2d(t.a, 2, 2), py: 'F.lp_pool2d(a, 2, 2)' },
  { name: 'lpPool2d p 3, kernel [2, 3], stride 1, ceil', inputs: { a: x([2, 1, 5, 5], 0.1, 2) }, ours: (t) => F.lpPool2d(t.a, 3, [2, 3], { stride: 1, ceilMode: true }),
    py: 'F.lp_pool2d(a, 3, (2, 3), stride=1, ceil_mode=True)' },
  { name: 'LPPool1d p 1.5 of positive values, unbatched', inputs: { a: x([3, 7], 0.1, 2) }, ours: (t) => new nn.LPPool1d(1.5, 3, { stride: 2 }).forward(t.a),
    py: 'torch.nn.LPPool1d(1.5, 3, stride=2)(a)' },
  { name: 'LPPool2d p 2 with a window of zeros', inputs: { a: { shape: [1, 1, 2, 4], data: [0, 0, 1, 2, 0, 0, 3, -1], grad: true } },
    ours: (t) => new nn.LPPool2d(2, 2).forward(t.a), py: 'torch.nn.LPPool2d(2, 2)(a)' },
];

noteIfNoTorch('the power-average poolings against torch');
eachBackend('LPPool', () => {
  it.runIf(haveTorch)(`${CALLS.length} calls as torch's`, () => expectCallsLikeTorch(CALLS, 4e-6));

  it("prints torch's repr and names what was wrong", () => {
    expect(new nn.LPPool2d(2, 3, { stride: 2 }).toString()).toBe('LPPool2d(norm_type=2, kernel_size=3, stride=2, ceil_mode=False)');
    expect(new nn.LPPool1d(1.5, 3).toString()).toBe('LPPool1d(norm_type=1.5, kernel_size=3, stride=None, ceil_mode=False)');
    expect(() => F.lpPool2d(bp.randn([1, 1, 4, 4]), 0, 2)).toThrow('lpPool2d: normType must be a positive number, got 0');
    expect(() => F.lpPool1d(bp.randn([1, 1, 4]), 2, 0)).toThrow('lpPool1d: kernelSize must be a positive integer, got 0');
    expect(() => new nn.LPPool2d(2, 2, { padding: 1 } as never)).toThrow(/LPPool2d: .*padding/);
  });
});
