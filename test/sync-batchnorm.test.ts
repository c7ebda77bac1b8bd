// nn.SyncBatchNorm within one process: without a group (or in a group of one) it is the BatchNorm of
// its input's dimensions, bit for bit; convertSyncBatchnorm's replacements; errors. Its statistics
// over several ranks are test/ddp.test.ts's (child processes).
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { scratchDir } from './helpers/scratch';

const bits = (t: bp.Tensor | null) => (t ? Array.from(new Uint32Array(Float32Array.from(t.data).buffer)) : null);

// A training step and an eval pass of a through b's twin: outputs, gradients and buffers alike in bits.
function expectSameLayer(a: bp.nn.Module, b: bp.nn.Module, shape: number[]): void {
  bp.manualSeed(9);
  const x = bp.randn(shape, { requiresGrad: true });
  const x2 = x.detach().requiresGrad_();
  const ya = a.call(x), yb = b.call(x2);
  expect(bits(ya)).toEqual(bits(yb));
  bp.sum(bp.mul(ya, ya)).backward();
  bp.sum(bp.mul(yb, yb)).backward();
  expect(bits(x.grad)).toEqual(bits(x2.grad));
  a.parameters().forEach((p, i) => expect(bits(p.grad)).toEqual(bits(b.parameters()[i].grad)));
  a.buffers().forEach((t, i) => expect(bits(t)).toEqual(bits(b.buffers()[i])));
  a.eval();
  b.eval();
  expect(bits(a.call(x))).toEqual(bits(b.call(x2)));
}

describe('SyncBatchNorm in one process', () => {
  it('without a group it is BatchNorm1d, 2d and 3d (and takes more dimensions), bit for bit; with momentum null and without affine too', () => {
    expectSameLayer(new bp.nn.SyncBatchNorm(3), new bp.nn.BatchNorm1d(3), [5, 3]);
    expectSameLayer(new bp.nn.SyncBatchNorm(3, { momentum: null, affine: false }), new bp.nn.BatchNorm1d(3, { momentum: null, affine: false }), [4, 3, 6]);
    expectSameLayer(new bp.nn.SyncBatchNorm(2, { eps: 1e-3 }), new bp.nn.BatchNorm2d(2, { eps: 1e-3 }), [3, 2, 4, 5]);
    expectSameLayer(new bp.nn.SyncBatchNorm(2, { trackRunningStats: false }), new bp.nn.BatchNorm3d(2, { trackRunningStats: false }), [2, 2, 3, 2, 2]);
    const six = new bp.nn.SyncBatchNorm(2);
    expect(six.call(bp.randn([2, 2, 1, 2, 1, 3])).shape).toEqual([2, 2, 1, 2, 1, 3]);
    expect(String(new bp.nn.SyncBatchNorm(4))).toBe('SyncBatchNorm(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
  });

  it('in a group of one it is the BatchNorm too, with no collective', async () => {
    const g = await bp.distributed.initProcessGroup({ rank: 0, worldSize: 1, store: scratchDir('backprop-syncbn-'), hostname: '127.0.0.1' });
    expectSameLayer(new bp.nn.SyncBatchNorm(3, { processGroup: g }), new bp.nn.BatchNorm1d(3), [6, 3]);
    await g.destroy();
  });

  it("convertSyncBatchnorm puts a SyncBatchNorm in each BatchNorm's place, holding its parameters, statistics and mode", async () => {
    bp.manualSeed(2);
    const shared = new bp.nn.BatchNorm2d(4);
    const inner = new bp.nn.Sequential(new bp.nn.Conv2d(4, 4, 1), shared);
    const model = new bp.nn.Sequential(new bp.nn.Conv2d(1, 4, 3), new bp.nn.BatchNorm2d(4, { momentum: 0.3 }), inner, shared, new bp.nn.Flatten(), new bp.nn.Linear(16, 2), new bp.nn.BatchNorm1d(2, { affine: false }));
    model.call(bp.randn([2, 1, 4, 4])); // running statistics moved
    model.eval();
    const probe = bp.randn([2, 1, 4, 4]);
    const params = model.parameters(), buffers = model.buffers().map(bits), out = bits(model.call(probe));
    const converted = bp.nn.SyncBatchNorm.convertSyncBatchnorm(model);
    expect(converted).toBe(model);
    const kinds = model.modules().map((m) => m.constructor.name);
    expect(kinds.filter((k) => k.startsWith('BatchNorm'))).toEqual([]);
    expect(kinds.filter((k) => k === 'SyncBatchNorm')).toHaveLength(3); // the shared one once, in both places
    expect((model as unknown as Record<string, bp.nn.Module>)['3']).toBe((inner as unknown as Record<string, bp.nn.Module>)['1']);
    expect(model.parameters()).toEqual(params);
    params.forEach((p, i) => expect(model.parameters()[i]).toBe(p));
    expect(model.buffers().map(bits)).toEqual(buffers);
    expect(model.modules().every((m) => !m.training)).toBe(true);
    expect(String(model.modules()[2])).toBe('SyncBatchNorm(4, eps=1e-05, momentum=0.3, affine=True, track_running_stats=True)');
    expect(bits(model.call(probe))).toEqual(out);
    const alone = bp.nn.SyncBatchNorm.convertSyncBatchnorm(new bp.nn.BatchNorm1d(3));
    expect(alone).toBeInstanceOf(bp.nn.SyncBatchNorm);
  });

  it('bad arguments and inputs are named', () => {
    expect(() => new bp.nn.SyncBatchNorm(3, { processGroup: 5 } as unknown as bp.nn.SyncBatchNormOptions)).toThrow(/SyncBatchNorm: processGroup must be a ProcessGroup from distributed.initProcessGroup\(\), got 5/);
    expect(() => new bp.nn.SyncBatchNorm(3, { group: 1 } as unknown as bp.nn.SyncBatchNormOptions)).toThrow(/SyncBatchNorm: unknown option 'group' \(the options are eps, momentum, affine, trackRunningStats, processGroup\)/);
    expect(() => new bp.nn.SyncBatchNorm(0)).toThrow(/SyncBatchNorm: numFeatures must be a positive integer, got 0/);
    expect(() => new bp.nn.SyncBatchNorm(3).call(bp.zeros([4]))).toThrow(/SyncBatchNorm: expected input \[N, 3, \.\.\.\] \(at least 2 dimensions\), got shape \[4\]/);
    expect(() => new bp.nn.SyncBatchNorm(3).call(bp.zeros([4, 2]))).toThrow(/SyncBatchNorm: expected input \[N, 3, \.\.\.\] \(at least 2 dimensions\), got shape \[4, 2\]/);
    expect(() => new bp.nn.SyncBatchNorm(3).call(bp.zeros([1, 3]))).toThrow(/SyncBatchNorm: expected more than 1 value per channel when training/);
    expect(() => bp.nn.SyncBatchNorm.convertSyncBatchnorm({} as bp.nn.Module)).toThrow(/convertSyncBatchnorm: model must be an nn.Module/);
    expect(() => bp.nn.SyncBatchNorm.convertSyncBatchnorm(new bp.nn.ReLU(), 3 as unknown as bp.distributed.ProcessGroup)).toThrow(/convertSyncBatchnorm: processGroup must be a ProcessGroup/);
  });
});
