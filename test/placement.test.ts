// .to(), .cpu(), .float(), dtype and device on tensors and modules, as torch code calls them: the
// tensor or module itself for the CPU and float32; an error naming any other device or dtype.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';

describe('placement', () => {
  it('a tensor is float32 on the CPU, and moving it there is itself', () => {
    const x = bp.tensor([1, 2, 3], { requiresGrad: true });
    expect(x.dtype).toBe('float32');
    expect(x.device).toBe('cpu');
    for (const target of ['cpu', 'cpu:0', 'float32', 'float', { device: 'cpu' }, { dtype: 'float32', device: 'cpu' }, bp.zeros([2])]) {
      expect(x.to(target)).toBe(x);
    }
    expect(x.cpu()).toBe(x);
    expect(x.float()).toBe(x);
    // The graph goes on through it, as torch's no-op .to() keeps the same tensor.
    x.to('cpu').float().mul(2).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([2, 2, 2]);
  });

  it('a module moved to the CPU is itself, and trains', () => {
    const m = new nn.Linear(2, 1);
    expect(m.to('cpu')).toBe(m);
    expect(m.to({ device: 'cpu', dtype: 'float32' }).cpu().float()).toBe(m);
    expect(m.weight.device).toBe('cpu');
  });

  it('another device or dtype is an error that says what there is', () => {
    const x = bp.ones([2]);
    expect(() => x.to('cuda')).toThrow(/^to: "cuda" is neither an available device \('cpu'\) nor a supported dtype \('float32'\)$/);
    expect(() => x.to({ device: 'cuda:0' })).toThrow(/^to: device "cuda:0" is not available: backprop runs on the CPU/);
    expect(() => x.to({ dtype: 'float64' })).toThrow(/^to: dtype "float64" is not supported: tensors hold float32/);
    expect(() => x.to({ dtype: 'float32', pin: true } as unknown as bp.PlacementOptions)).toThrow(/^to: unknown option 'pin' \(device, dtype\)$/);
    expect(() => x.to(3 as unknown as string)).toThrow(/^to: expected a device \('cpu'\), a dtype \('float32'\) or \{ device, dtype \}, got 3$/);
    expect(() => new nn.ReLU().to('mps')).toThrow(/^Module\.to: "mps" is neither an available device/);
  });
});
