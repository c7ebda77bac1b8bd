// nn.parallel.DistributedDataParallel: groups of child processes (test/helpers/ranks.ts) running a
// training loop of their own on their shares of each batch, against this process alone on the whole;
// and nn.DataParallel, which on the CPU is the module itself.
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { DdpCase, DdpResult, ddpCase } from './helpers/ddp_case';
import { runRanks } from './helpers/ranks';
import { scratchDir } from './helpers/scratch';

const unavailable = bp.distributed.processGroupsUnavailable();
if (unavailable) console.log(`ddp.test: process groups unavailable, DistributedDataParallel tests skipped: ${unavailable}`);

async function ranks(worldSize: number, c: DdpCase): Promise<DdpResult[]> {
  const store = scratchDir('backprop-ddp-');
  const out = await runRanks(Array.from({ length: worldSize }, (_, rank) => ({ rank, worldSize, store, timeoutMs: 30000, job: { kind: 'ddp' as const, case: c } })));
  return out.map((o) => {
    if (o.error) throw new Error(o.error);
    return o.result as DdpResult;
  });
}

const bits = (a: number[]) => new Uint32Array(Float32Array.from(a).buffer);
function expectAlike(got: (number[] | null)[], want: (number[] | null)[], tol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i];
    expect(g === null, `tensor ${i} present`).toBe(w === null);
    if (g && w) g.forEach((x, j) => expect(Math.abs(x - w[j]), `tensor ${i}[${j}]: ${x} against ${w[j]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w[j]))));
  });
}
function expectSameOnEveryRank(results: DdpResult[]): void {
  for (const r of results.slice(1)) {
    r.params.forEach((p, i) => expect(bits(p)).toEqual(bits(results[0].params[i])));
    r.grads.forEach((g, i) => expect(g && bits(g)).toEqual(results[0].grads[i] && bits(results[0].grads[i] as number[])));
  }
}

describe.skipIf(unavailable !== null)('DistributedDataParallel', () => {
  // The group's parameters and gradients after the case's loop: the same bits on every rank, and
  // the single process's within float32's rounding of sums taken in another order.
  async function expectLikeOneProcess(worldSize: number, c: DdpCase): Promise<void> {
    const got = await ranks(worldSize, c);
    expectSameOnEveryRank(got);
    const want = ddpCase(c, worldSize);
    expectAlike(got[0].params, want.params, 1e-5);
    expectAlike(got[0].grads, want.grads, 1e-5);
  }

  for (const worldSize of [2, 3]) {
    it(`${worldSize} ranks step as one process on the union of their batches, from rank 0's parameters, each backward returning averaged gradients`, async () => {
      await expectLikeOneProcess(worldSize, { kind: 'steps' });
    });
  }

  it('noSync: microbatches add up locally and the next averaging backward takes their sum', async () => {
    await expectLikeOneProcess(2, { kind: 'noSync' });
  });

  for (const worldSize of [2, 3]) {
    it(`SyncBatchNorm (convertSyncBatchnorm of a BatchNorm1d) over ${worldSize} ranks normalizes and trains as one BatchNorm over the union of their batches, running statistics too`, async () => {
      const c: DdpCase = { kind: 'syncBatchNorm' };
      const got = await ranks(worldSize, c);
      expectSameOnEveryRank(got);
      for (const r of got.slice(1)) r.buffers.forEach((b, i) => expect(bits(b)).toEqual(bits(got[0].buffers[i])));
      const want = ddpCase(c, worldSize);
      expectAlike(got[0].params, want.params, 1e-5);
      expectAlike(got[0].grads, want.grads, 1e-5);
      expectAlike(got[0].buffers, want.buffers, 1e-5);
    });
  }

  it('a parameter some rank left out: an error on every rank naming it, or with findUnusedParameters its gradient averaged with zeros', async () => {
    const strict = await ranks(2, { kind: 'unused' });
    for (const r of strict) {
      expect(r.error).toMatch(/DistributedDataParallel: backward: parameters that got no gradient in this backward on some ranks: extra\.weight \(1 of 2 ranks\), extra\.bias \(1 of 2 ranks\); pass findUnusedParameters: true/);
    }
    await expectLikeOneProcess(2, { kind: 'unused', findUnused: true });
  });

  it("buffers: rank 0's at the first forward pass and at one after a pass that recorded gradients, not after one under noGrad (unless broadcastBuffers is false)", async () => {
    const [zero, one] = await ranks(2, { kind: 'buffers' });
    const outs = (r: DdpResult) => (r.outs as number[][]).map(bits);
    expect(outs(one)[0]).toEqual(outs(zero)[0]);
    expect(outs(one)[1]).not.toEqual(outs(zero)[1]);
    expect(outs(one)[2]).toEqual(outs(zero)[2]);
    const own = await ranks(2, { kind: 'buffers', broadcastBuffers: false });
    expect(outs(own[1])[0]).not.toEqual(outs(own[0])[0]);
    expect(outs(own[0])).toEqual(outs(zero));
  });

  it('a group of one: the module itself, bit for bit; bad arguments and an unfinished collective are named', async () => {
    const g = await bp.distributed.initProcessGroup({ rank: 0, worldSize: 1, store: scratchDir('backprop-ddp-'), hostname: '127.0.0.1' });
    const make = () => {
      bp.manualSeed(5);
      return new bp.nn.Sequential(new bp.nn.Linear(3, 4), new bp.nn.Tanh(), new bp.nn.Linear(4, 2));
    };
    const x = bp.randn([6, 3]);
    const plain = make();
    bp.sum(plain.call(x)).backward();
    const wrapped = make();
    const ddp = new bp.nn.parallel.DistributedDataParallel(wrapped, { processGroup: g });
    bp.sum(ddp.call(x)).backward();
    wrapped.parameters().forEach((p, i) => expect(bits(Array.from(p.grad?.data ?? []))).toEqual(bits(Array.from(plain.parameters()[i].grad?.data ?? []))));
    expect(Object.keys(ddp.stateDict())).toEqual(Object.keys(plain.stateDict()).map((k) => `module.${k}`));
    // Under noGrad nothing is averaged or expected.
    bp.noGrad(() => ddp.call(x));
    // A backward with createGraph leaves gradients with graphs: refused by name, not changed under them.
    expect(() => bp.sum(ddp.call(x)).backward({ createGraph: true })).toThrow(/DistributedDataParallel: backward: gradients made with createGraph cannot be averaged over the ranks/);
    ddp.zeroGrad();

    expect(() => new bp.nn.parallel.DistributedDataParallel(wrapped, { processGroup: g })).toThrow(/DistributedDataParallel: parameter 0\.weight already belongs to a DistributedDataParallel/);
    expect(() => new bp.nn.parallel.DistributedDataParallel(make(), {} as bp.nn.parallel.DistributedDataParallelOptions)).toThrow(/DistributedDataParallel: processGroup must be a ProcessGroup from distributed.initProcessGroup\(\), got undefined/);
    expect(() => new bp.nn.parallel.DistributedDataParallel(make(), { processGroup: g, findUnused: true } as unknown as bp.nn.parallel.DistributedDataParallelOptions)).toThrow(/DistributedDataParallel.*findUnused/);
    expect(() => new bp.nn.parallel.DistributedDataParallel({} as bp.nn.Module, { processGroup: g })).toThrow(/DistributedDataParallel: model must be an nn.Module/);
    expect(() => ddp.noSync(5 as unknown as () => void)).toThrow(/noSync: fn must be a function, got 5/);
    const opt = new bp.optim.SGD(ddp.parameters(), { lr: 0.1 });
    // fit without a group runs the eager loop on it (the native loop would not call backward()):
    // one step of SGD on the six rows, as the module by itself takes it.
    const y = bp.tensor([0, 1, 0, 1, 0, 1]);
    const alone = make();
    const before = wrapped.parameters().map((p) => Float32Array.from(p.data));
    alone.parameters().forEach((p, i) => p.data.set(before[i]));
    await bp.fit(ddp, { x, y }, { loss: new bp.nn.CrossEntropyLoss(), optimizer: opt, epochs: 1, batchSize: 6, shuffle: false });
    await bp.fit(alone, { x, y }, { loss: new bp.nn.CrossEntropyLoss(), optimizer: new bp.optim.SGD(alone.parameters(), { lr: 0.1 }), epochs: 1, batchSize: 6, shuffle: false, fused: false });
    wrapped.parameters().forEach((p, i) => expect(bits(Array.from(p.data))).toEqual(bits(Array.from(alone.parameters()[i].data))));
    await expect(bp.fit(ddp, { x, y }, { loss: new bp.nn.CrossEntropyLoss(), optimizer: opt, epochs: 1, processGroup: g }))
      .rejects.toThrow(/fit: the model is a DistributedDataParallel and a processGroup is given; pass its module \(ddp.module\) with the processGroup/);
    // A collective awaited later is still running when the backward (or, with buffers, the forward pass) wants its own.
    const normed = new bp.nn.parallel.DistributedDataParallel(new bp.nn.BatchNorm1d(3), { processGroup: g });
    const pending = g.allReduce(bp.ones([3]));
    expect(() => bp.sum(ddp.call(x)).backward()).toThrow(/DistributedDataParallel: backward: 1 collective\(s\) of this process group called before it have not finished; await them first/);
    expect(() => new bp.nn.parallel.DistributedDataParallel(make(), { processGroup: g })).toThrow(/^DistributedDataParallel: 1 collective\(s\)/);
    expect(() => normed.call(x)).toThrow(/DistributedDataParallel.forward: 1 collective\(s\) of this process group called before it have not finished/);
    await pending;
    bp.sum(normed.call(x)).backward();
    const other = new bp.nn.parallel.DistributedDataParallel(make(), { processGroup: g });
    bp.sum(other.call(x)).backward();
    await g.destroy();
    expect(() => bp.sum(other.call(x)).backward()).toThrow(/DistributedDataParallel: backward: the process group was destroyed/);
  });
});

describe('DataParallel', () => {
  it('is the module itself on the CPU (torch without devices): outputs, gradients and module.-prefixed state', () => {
    bp.manualSeed(4);
    const inner = new bp.nn.Sequential(new bp.nn.Linear(3, 2), new bp.nn.BatchNorm1d(2));
    const dp = new bp.nn.DataParallel(inner);
    expect(dp).toBeInstanceOf(bp.nn.parallel.DataParallel);
    expect(dp.module).toBe(inner);
    expect(dp.deviceIds).toEqual([]);
    const x = bp.randn([5, 3]);
    const y = dp.call(x);
    bp.sum(bp.mul(y, y)).backward();
    const grads = inner.parameters().map((p) => Array.from(p.grad?.data ?? []));
    inner.zeroGrad();
    const again = inner.call(x);
    bp.sum(bp.mul(again, again)).backward();
    expect(bits(Array.from(y.data))).toEqual(bits(Array.from(again.data)));
    inner.parameters().forEach((p, i) => expect(bits(Array.from(p.grad?.data ?? []))).toEqual(bits(grads[i])));
    expect(Object.keys(dp.stateDict())).toEqual(Object.keys(inner.stateDict()).map((k) => `module.${k}`));
    dp.eval();
    expect(inner.training).toBe(false);
    expect(() => new bp.nn.DataParallel(5 as unknown as bp.nn.Module)).toThrow(/DataParallel: model must be an nn.Module/);
  });
});
