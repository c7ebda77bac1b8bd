// autograd.detectAnomaly / setDetectAnomaly (torch's anomaly mode): backward stops at the first op
// whose gradient holds a NaN, naming the op, the input, the element and where the op was called from
// (this file's line); off, the NaN goes on into .grad as torch's does.
import { afterEach, describe, expect, it } from 'vitest';
import * as bp from '../lib/index';

afterEach(() => bp.autograd.setDetectAnomaly(false));

describe('anomaly detection', () => {
  it('names the op whose backward made a NaN, and where it was called', () => {
    const x = bp.tensor([1, 0, 4], { requiresGrad: true });
    let err: Error | null = null;
    bp.autograd.detectAnomaly(() => {
      const y = x.sqrt(); // its gradient at 0 is infinite: times the 0 below, NaN
      try {
        y.mul(0).sum().backward();
      } catch (e) {
        err = e as Error;
      }
    });
    expect(err).not.toBeNull();
    const message = (err as unknown as Error).message;
    expect(message).toMatch(/^backward: 'sqrt' gave NaN in the gradient of its input 0 \(shape \[3\], element 1\) \(detectAnomaly\); the op was called at:\n/);
    expect(message).toMatch(/anomaly\.test\.ts:\d+/);
    expect(bp.autograd.isAnomalyEnabled()).toBe(false);
    // Off: the NaN reaches .grad, as torch's.
    const x2 = bp.tensor([1, 0, 4], { requiresGrad: true });
    x2.sqrt().mul(0).sum().backward();
    expect(Number.isNaN(x2.grad!.data[1])).toBe(true);
  });

  it('setDetectAnomaly switches it until switched back; ops recorded before say so; errors are named', () => {
    const x = bp.tensor([0, 2], { requiresGrad: true });
    const before = x.sqrt();
    bp.autograd.setDetectAnomaly(true);
    expect(bp.autograd.isAnomalyEnabled()).toBe(true);
    expect(() => before.mul(0).sum().backward()).toThrow(/'sqrt' gave NaN .* the op was called before anomaly detection was on/);
    // A clean backward passes untouched.
    const w = bp.tensor([1, 2], { requiresGrad: true });
    w.mul(w).sum().backward();
    expect(Array.from(w.grad!.data)).toEqual([2, 4]);
    bp.autograd.setDetectAnomaly(false);
    expect(() => bp.autograd.setDetectAnomaly('yes' as never)).toThrow('setDetectAnomaly: mode must be true or false, got "yes"');
    expect(() => bp.autograd.detectAnomaly(5 as never)).toThrow('detectAnomaly: expected a function to run, got 5');
  });
});
