// Data-parallel fit on Gloo (distributed.initProcessGroup, fit's processGroup): groups of child
// processes on this machine, against one process training on the union of their batches.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { addonPath, loadNative } from '../lib/backend/native';
import { HYPER_FIELDS } from '../lib/backend/backend';
import { nativeExpected } from './helpers/backends';
import { scratchDir } from './helpers/scratch';
import { FitCase, FitResult, RankConfig, RankJob, runRanks, trainCase } from './helpers/ranks';

const unavailable = bp.distributed.processGroupsUnavailable();
// Where Debian's libgloo-dev is installed (as .ci/run installs it) the addon must have been built
// with it: a silent skip there would hide a broken build.
const glooInstalled = fs.existsSync('/usr/include/gloo/allreduce.h') && fs.existsSync('/usr/share/cmake/Gloo/GlooConfig.cmake');
if (unavailable) console.log(`distributed.test: process groups unavailable, group tests skipped: ${unavailable}`);

const dirs: string[] = [];
function freshStore(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'backprop-store-'));
  dirs.push(d);
  return d;
}
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

/** A port nothing listens on now (the kernel's pick, closed again). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function group(worldSize: number, job: RankJob, timeoutMs = 30000, tcp = false): Promise<{ result?: unknown; error?: string }[]> {
  const store = tcp ? `tcp://127.0.0.1:${await freePort()}` : freshStore();
  const configs: RankConfig[] = Array.from({ length: worldSize }, (_, rank) => ({ rank, worldSize, store, timeoutMs, job }));
  return runRanks(configs);
}

const bits = (a: number[]) => new Uint32Array(Float32Array.from(a).buffer);
function expectSameBits(a: number[][], b: number[][]): void {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(bits(v)).toEqual(bits(b[i])));
}
function expectClose(a: number[][], b: number[][], tol: number): void {
  a.forEach((v, i) => v.forEach((x, j) => expect(Math.abs(x - b[i][j])).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i][j])))));
}

describe('the build', () => {
  it.runIf(nativeExpected() && glooInstalled)('has Gloo where libgloo-dev is installed', () => {
    expect(unavailable).toBeNull();
  });

  it.runIf(nativeExpected())('an addon built without Gloo says so, and how to get it', async () => {
    const out = scratchDir('backprop-nogloo-');
    // Not execFileSync: a build of a minute or more would block this worker past vitest's RPC timeout.
    // Unoptimized (BACKPROP_QUICK_BUILD): this addon is only loaded and asked for a process group.
    await promisify(execFile)(process.execPath, [require.resolve('cmake-js/bin/cmake-js'), 'compile', '--out', out, '--CDBACKPROP_WITH_GLOO=OFF', '--CDBACKPROP_QUICK_BUILD=ON'],
      { cwd: path.resolve(__dirname, '..'), maxBuffer: 64 * 2 ** 20 });
    const script = `
      const bp = require(${JSON.stringify(path.resolve(__dirname, '..', 'lib', 'index.ts'))});
      console.log('backend=' + bp.getBackend());
      bp.distributed.initProcessGroup({ rank: 0, worldSize: 1, store: '.' }).then(() => console.log('connected'), (e) => console.log('error=' + e.message));
    `;
    const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], {
      env: { ...process.env, BACKPROP_ADDON: path.join(out, 'Release', 'backprop_native.node') }, encoding: 'utf8',
    });
    expect(r.stdout).toContain('backend=native');
    expect(r.stdout).toMatch(/error=initProcessGroup: the native addon was built without Gloo: install it \(Debian: apt-get install libgloo-dev\) and rebuild with `npm run build:native`/);
  }, 300_000);

  it('without the addon, initProcessGroup says why and how to build it', () => {
    const script = `
      const bp = require(${JSON.stringify(path.resolve(__dirname, '..', 'lib', 'index.ts'))});
      bp.distributed.initProcessGroup({ rank: 0, worldSize: 1, store: '.' }).then(() => console.log('connected'), (e) => console.log('error=' + e.message));
    `;
    const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], {
      env: { ...process.env, BACKPROP_DISABLE_NATIVE: '1', BACKPROP_QUIET: '1' }, encoding: 'utf8',
    });
    expect(r.stdout).toMatch(/error=initProcessGroup: the native addon is not available \(disabled by BACKPROP_DISABLE_NATIVE=1\); build it with `npm run build:native`/);
  });
});

describe.skipIf(unavailable !== null)('process groups', () => {
  it.each([['a store directory', false], ['a TCP store that rank 0 serves', true]])('allReduce (sum, mean), broadcast, barrier and allGather over three processes give every rank the same, right values: %s', async (_, tcp) => {
    const out = await group(3, { kind: 'collectives' }, 30000, tcp as boolean);
    for (const o of out) {
      expect(o.error).toBeUndefined();
      const r = o.result as { a: number[]; b: number[]; m: number[]; c: number[]; g: { shape: number[]; bits: number[] }[] };
      expect(r.a).toEqual([6, 12, 1.5]);
      expect(r.b).toEqual([3, -3, 30, 5]);
      // (0 + 1 + 2) / 3, (1 + 1 + 1) / 3, the float32 third summed three times then divided
      const third = Math.fround(1 / 3);
      expect(r.m).toEqual([1, 1, Math.fround(Math.fround(Math.fround(third + third) + third) / 3)]);
      expect(r.c).toEqual([2, 2, 2, 2]);
      const f32 = (v: number[]) => Array.from(new Uint32Array(Float32Array.from(v).buffer));
      expect(r.g).toEqual([0, 1, 2].map((k) => ({ shape: [1, 3], bits: f32([k, -k, k === 1 ? NaN : 0.25]) })));
      expect(r.g[0].bits[1]).toBe(0x80000000); // -0 from rank 0
    }
  });

  it('distributed.nn.allReduce and allGather over three processes: values, and gradients that come back to every rank\'s input (with createGraph too)', async () => {
    const out = await group(3, { kind: 'nnCollectives' });
    out.forEach((o, r) => {
      expect(o.error).toBeUndefined();
      const got = o.result as { y: number[]; parts: { shape: number[]; values: number[] }[]; grad: number[]; g: number[]; wGrad: number[] };
      expect(got.y).toEqual([6, -6]); // 1 + 2 + 3
      expect(got.parts).toEqual([0, 1, 2].map((k) => ({ shape: [2], values: [2 * (k + 1), -2 * (k + 1)] })));
      // sum over the ranks s of (s + 1) from allReduce; 2 (r + 2)(s + 1) from each rank's use of this rank's part
      expect(got.grad).toEqual([6 + 12 * (r + 2), 6]);
      // z = the ranks' sum of sum(w^2): its gradient at this rank's w, from every rank's z, is 2 x 3 w;
      // then sum(g w) = 6 sum(w^2) has gradient 12 w
      expect(got.g).toEqual([6 * (r + 1), 12]);
      expect(got.wGrad).toEqual([12 * (r + 1), 24]);
    });
  });

  it('a collective whose sizes differ between the ranks fails on every rank, naming the sizes', async () => {
    const out = await group(2, { kind: 'mismatch' });
    const [r0, r1] = out.map((o) => o.result as string[]);
    expect(r0[0]).toMatch(/the ranks did not all call allReduce with the same number and kind of elements \(this rank, 0: 3 float32\)/);
    expect(r1[0]).toMatch(/\(this rank, 1: 4 float32\)/);
    expect(r0[1]).toMatch(/the ranks did not all call allGather with the same number and kind of elements \(this rank, 0: 3 float32\)/);
    expect(r1[1]).toMatch(/\(this rank, 1: 4 float32\)/);
  });

  // 96 rows, two ranks of 8-row batches: each step's union is one 16-row batch of one process.
  const base: FitCase = { n: 96, features: 6, classes: 3, batchSize: 8, epochs: 3, shuffle: false, fused: true, optimizer: 'adam' };
  const single = (c: FitCase, worldSize: number): Promise<FitResult> => trainCase({ ...c, batchSize: c.batchSize * worldSize, tensorBoard: undefined }, 100);

  for (const [name, c, tcp] of [
    ['fused, in stored order, Adam, meeting through a TCP store', base, true],
    ['eager, in stored order, SGD with momentum', { ...base, fused: false, optimizer: 'sgd' }],
    ['fused, shuffled, 50 rows (a short last batch on each rank)', { ...base, n: 50, shuffle: true }],
    ['eager, shuffled, with validation data (TensorBoard logs from rank 0 alone)', { ...base, shuffle: true, fused: false, validation: true, tensorBoard: freshStore() }],
    ['on the reference backend', { ...base, shuffle: true, reference: true }],
    ['a SyncBatchNorm (the union\'s statistics; fit trains it eagerly), shuffled, with validation data', { ...base, shuffle: true, syncBatchNorm: true, validation: true }],
  ] as [string, FitCase, boolean?][]) {
    it(`two ranks train as one process on the union of their batches: ${name}`, async () => {
      const [r0, r1] = (await group(2, { kind: 'fit', case: c }, 30000, tcp)).map((o) => {
        expect(o.error).toBeUndefined();
        return o.result as FitResult;
      });
      // Every rank holds the same parameters and reports the same History.
      expectSameBits(r0.params, r1.params);
      expect(r1.loss).toEqual(r0.loss);
      expect(r1.accuracy).toEqual(r0.accuracy);
      expect(r1.valLoss).toEqual(r0.valLoss);
      const one = await single(c, 2);
      // The mean of two 8-row means against one 16-row mean: rounding apart.
      expectClose(r0.params, one.params, 2e-5);
      r0.loss.forEach((l, i) => expect(Math.abs(l - one.loss[i])).toBeLessThan(1e-6));
      expect(r0.accuracy).toEqual(one.accuracy);
      r0.valLoss.forEach((l, i) => expect(Math.abs(l - one.valLoss[i])).toBeLessThan(1e-5));
      expect(r0.loss[2]).toBeLessThan(r0.loss[0]);
      if (c.tensorBoard) {
        for (const sub of ['train', 'validation']) expect(fs.readdirSync(path.join(c.tensorBoard, sub))).toHaveLength(1);
      }
    });
  }

  it('the fused and the eager loop give the same bits under a group; Dropout and BatchNorm1d stay alike on every rank', async () => {
    const c: FitCase = { ...base, n: 51, shuffle: true, noisy: true };
    // In stored order, fit runs all epochs in one native call: its buffers are shared at the end.
    const [fused, eager, grouped] = await Promise.all([group(2, { kind: 'fit', case: c }), group(2, { kind: 'fit', case: { ...c, fused: false } }),
      group(2, { kind: 'fit', case: { ...c, shuffle: false } })]);
    const [g0, g1] = grouped.map((o) => o.result as FitResult);
    expectSameBits(g0.params, g1.params);
    expectSameBits(g0.buffers, g1.buffers);
    expect(g1.loss).toEqual(g0.loss);
    const [f0, f1] = fused.map((o) => o.result as FitResult);
    const [e0, e1] = eager.map((o) => o.result as FitResult);
    expectSameBits(f0.params, f1.params);
    expectSameBits(f0.buffers, f1.buffers);
    expectSameBits(f0.params, e0.params);
    expectSameBits(f0.buffers, e0.buffers);
    expectSameBits(e0.params, e1.params);
    expect(f0.loss).toEqual(e0.loss);
    expect(f1.loss).toEqual(f0.loss);
    expect(f0.params.flat().every(Number.isFinite)).toBe(true);
  });

  it('when one rank stops early, every rank stops with it: after that epoch (onEpochEnd), or that batch (onBatchEnd)', async () => {
    const t0 = Date.now();
    // Rank 1 alone returns false after epoch 1 of 5 (fused loop); rank 0 alone calls stop() at batch 2 (eager loop).
    const [byEpoch, byBatch] = await Promise.all([group(2, { kind: 'fit', case: { ...base, epochs: 5, stopAt: { rank: 1, epoch: 1 } } }, 20000),
      group(2, { kind: 'fit', case: { ...base, epochs: 5, shuffle: true, stopAt: { rank: 0, batch: 2 } } }, 20000)]);
    // Had a rank gone on alone, it would have waited out the 20 s timeout in its next collective.
    expect(Date.now() - t0).toBeLessThan(15000);
    for (const [out, epochs] of [[byEpoch, 2], [byBatch, 1]] as const) {
      const [r0, r1] = out.map((o) => {
        expect(o.error).toBeUndefined();
        return o.result as FitResult;
      });
      expect(r0.loss).toHaveLength(epochs);
      expect(r1.loss).toEqual(r0.loss);
      expectSameBits(r0.params, r1.params);
    }
    // Three batches of two ranks: one process's three batches of their union.
    const one = await single({ ...base, epochs: 5, shuffle: true, stopAt: { rank: 0, batch: 2 } }, 2);
    expect(one.loss).toHaveLength(1);
    expectClose((byBatch[0].result as FitResult).params, one.params, 2e-5);
  });

  it('a group of one trains exactly as no group', async () => {
    for (const fused of [true, false]) {
      const c = { ...base, shuffle: true, noisy: true, fused };
      const g = await bp.distributed.initProcessGroup({ rank: 0, worldSize: 1, store: freshStore(), hostname: '127.0.0.1' });
      const withGroup = await trainCase(c, 100, g);
      await g.destroy();
      const alone = await trainCase(c, 100);
      expectSameBits(withGroup.params, alone.params);
      expectSameBits(withGroup.buffers, alone.buffers);
      expect(withGroup.loss).toEqual(alone.loss);
    }
  });

  it('a rank whose peers never arrive gives up after timeoutMs with a clear error, and leaves the store clean', async () => {
    const store = freshStore();
    const t0 = Date.now();
    await expect(bp.distributed.initProcessGroup({ rank: 0, worldSize: 2, store, hostname: '127.0.0.1', timeoutMs: 500 }))
      .rejects.toThrow(/initProcessGroup: rank 0 of 2 could not connect .*: not every rank arrived within 500 ms/);
    expect(Date.now() - t0).toBeLessThan(15000);
    expect(fs.readdirSync(store)).toEqual([]);
    // The same directory and prefix serve the next group.
    const g = await bp.distributed.initProcessGroup({ rank: 0, worldSize: 1, store, hostname: '127.0.0.1' });
    await g.destroy();
  });

  it('a TCP store: a rank that finds no rank 0 serving gives up after timeoutMs; a port in use is named', async () => {
    const port = await freePort();
    await expect(bp.distributed.initProcessGroup({ rank: 1, worldSize: 2, store: `tcp://127.0.0.1:${port}`, hostname: '127.0.0.1', timeoutMs: 500 }))
      .rejects.toThrow(new RegExp(`rank 1 of 2 could not connect .*could not reach the store at 127.0.0.1:${port} within 500 ms \\(rank 0 serves it\\)`));
    // Rank 0 alone: it serves, waits for rank 1's key, and gives up.
    await expect(bp.distributed.initProcessGroup({ rank: 0, worldSize: 2, store: `tcp://127.0.0.1:${port}`, hostname: '127.0.0.1', timeoutMs: 500 }))
      .rejects.toThrow(/not every rank arrived within 500 ms/);
    const busy = net.createServer().listen(0);
    await new Promise((r) => busy.once('listening', r));
    const taken = (busy.address() as net.AddressInfo).port;
    try {
      await expect(bp.distributed.initProcessGroup({ rank: 0, worldSize: 1, store: `tcp://127.0.0.1:${taken}`, hostname: '127.0.0.1', timeoutMs: 500 }))
        .rejects.toThrow(new RegExp(`rank 0 cannot serve the store on port ${taken}: Address already in use`));
    } finally {
      busy.close();
    }
    // The port is free again once a group has met: a second group of one serves on it.
    for (let i = 0; i < 2; i++) {
      const g = await bp.distributed.initProcessGroup({ rank: 0, worldSize: 1, store: `tcp://localhost:${port}`, hostname: '127.0.0.1' });
      await g.destroy();
    }
  });

  it('a hostname that does not resolve is an error in every one of 16 processes, never a crash', () => {
    // Gloo's own lookup crashed about one process in eight on such a name (process_group.cc).
    const script = `
      require(${JSON.stringify(addonPath())}).distConnect({ rank: 0, worldSize: 1, store: ${JSON.stringify(freshStore())}, prefix: 'p', hostname: 'no-such-host.invalid', timeoutMs: 1000 })
        .then(() => console.log('connected'), (e) => console.log('error=' + e.message));
    `;
    for (let i = 0; i < 16; i++) {
      const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      expect(r.status, `process ${i}: ${r.signal ?? ''} ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^error=distConnect: cannot resolve this rank's hostname no-such-host.invalid/);
    }
  });

  it('a destroyed group refuses collectives and fit', async () => {
    const g = await bp.distributed.initProcessGroup({ rank: 0, worldSize: 1, store: freshStore(), hostname: '127.0.0.1' });
    const t = bp.tensor([1, 2]);
    await g.allReduce(t);
    expect(Array.from(t.data)).toEqual([1, 2]);
    const [alone] = await g.allGather(bp.tensor([[3, 4]]));
    expect(alone.shape).toEqual([1, 2]);
    expect(Array.from(alone.data)).toEqual([3, 4]);
    expect(() => g.allGather([t] as unknown as bp.Tensor)).toThrow(/ProcessGroup.allGather: expected a Tensor, got/);
    // distributed.nn in a group of one: the tensor itself, its gradient passed through.
    const x = bp.tensor([1, -2], { requiresGrad: true });
    const [only] = bp.distributed.nn.allGather(x, g);
    bp.sum(bp.mul(bp.add(bp.distributed.nn.allReduce(x, g), only), bp.tensor([3, 5]))).backward();
    expect(Array.from(x.grad?.data ?? [])).toEqual([6, 10]);
    expect(() => bp.distributed.nn.allReduce([1] as unknown as bp.Tensor, g)).toThrow(/distributed.nn.allReduce: expected a Tensor, got/);
    expect(() => bp.distributed.nn.allGather(x, {} as bp.distributed.ProcessGroup)).toThrow(/distributed.nn.allGather: group must be a ProcessGroup from distributed.initProcessGroup\(\), got/);
    const pending = g.allReduce(t);
    expect(() => bp.distributed.nn.allReduce(x, g)).toThrow(/distributed.nn.allReduce: 1 collective\(s\) of this process group called before it have not finished/);
    await pending;
    await g.destroy();
    expect(g.destroyed).toBe(true);
    expect(() => g.allReduce(t)).toThrow(/ProcessGroup.allReduce: the process group was destroyed/);
    expect(() => g.barrier()).toThrow(/ProcessGroup.barrier: the process group was destroyed/);
    expect(() => g.allGather(t)).toThrow(/ProcessGroup.allGather: the process group was destroyed/);
    const model = new bp.nn.Sequential(new bp.nn.Linear(2, 2));
    await expect(bp.fit(model, { x: bp.zeros([4, 2]), y: bp.tensor([0, 1, 0, 1]) }, {
      loss: new bp.nn.CrossEntropyLoss(), optimizer: new bp.optim.SGD(model.parameters(), { lr: 0.1 }), processGroup: g,
    })).rejects.toThrow(/fit: the process group was destroyed/);
    await g.destroy(); // twice does nothing
  });

  it('bad arguments are named', async () => {
    const store = freshStore();
    const init = bp.distributed.initProcessGroup;
    await expect(init({ rank: 2, worldSize: 2, store })).rejects.toThrow(/initProcessGroup: rank must be an integer in \[0, 1\] \(worldSize 2\), got 2/);
    await expect(init({ rank: 0, worldSize: 0, store })).rejects.toThrow(/worldSize must be an integer in \[1, 65536\], got 0/);
    await expect(init({ rank: 0, worldSize: 1, store: path.join(store, 'missing') })).rejects.toThrow(/store must be an existing directory that every rank can see, or tcp:\/\/host:port/);
    await expect(init({ rank: 0, worldSize: 1, store: 'tcp://host' })).rejects.toThrow(/a TCP store is tcp:\/\/host:port, got "tcp:\/\/host"/);
    await expect(init({ rank: 0, worldSize: 1, store: 'tcp://host:70000' })).rejects.toThrow(/the store's port must be in \[1, 65535\], got 70000/);
    await expect(init({ rank: 0, worldSize: 1, store, prefix: 'a/b' })).rejects.toThrow(/prefix must be a non-empty string without '\/'/);
    await expect(init({ rank: 0, worldSize: 1, store, timeoutMs: 0 })).rejects.toThrow(/timeoutMs must be a positive integer, got 0/);
    await expect(init({ rank: 0, worldSize: 1, store, port: 5 } as unknown as bp.distributed.ProcessGroupOptions)).rejects.toThrow(/initProcessGroup.*port/);
    await expect(init({ rank: 0, worldSize: 1, store, hostname: 'no-such-host.invalid', timeoutMs: 1000 })).rejects.toThrow(/could not connect .*cannot resolve this rank's hostname no-such-host.invalid \(.*\): give one the other ranks reach it at/);
    const g = await init({ rank: 0, worldSize: 1, store, hostname: '127.0.0.1' });
    expect(() => g.allReduce(bp.tensor([1]), 'max' as 'sum')).toThrow(/allReduce: op must be 'sum' or 'mean', got "max"/);
    expect(() => g.allReduce([new Float32Array(2)] as unknown as bp.Tensor[])).toThrow(/allReduce: expected a Tensor or an array of Tensors/);
    expect(() => g.broadcast(bp.tensor([1]), 1)).toThrow(/broadcast: root must be a rank in \[0, 0\], got 1/);
    const model = new bp.nn.Sequential(new bp.nn.Linear(2, 2));
    await expect(bp.fit(model, { x: bp.zeros([4, 2]), y: bp.tensor([0, 1, 0, 1]) }, {
      loss: new bp.nn.CrossEntropyLoss(), optimizer: new bp.optim.SGD(model.parameters(), { lr: 0.1 }), processGroup: {} as bp.distributed.ProcessGroup,
    })).rejects.toThrow(/fit: processGroup must be a ProcessGroup from distributed.initProcessGroup\(\)/);
    await g.destroy();
    // The addon's own checks.
    const addon = loadNative().backend as unknown as Record<string, (...a: unknown[]) => unknown>;
    expect(() => addon.distAllReduce({}, [], false)).toThrow(/distAllReduce: group must be a process group from distConnect/);
    expect(() => addon.distBarrier(new Float32Array(1))).toThrow(/distBarrier: group must be a process group from distConnect/);
    const h = g.handle.bind(g);
    expect(() => h('x')).toThrow(/x: the process group was destroyed/);
    const live = await init({ rank: 0, worldSize: 1, store, hostname: '127.0.0.1' });
    expect(() => addon.distAllReduce(live.handle('t'), [new Int32Array(2)], false)).toThrow(/distAllReduce: arrays must be an array of Float32Arrays or of Float64Arrays/);
    expect(() => addon.distBroadcast(live.handle('t'), [new Float32Array(2)], 3)).toThrow(/distBroadcast: root must be a rank in \[0, 0\]/);
    expect(() => addon.distAllGather(live.handle('t'), new Float32Array(2), new Float64Array(2))).toThrow(/distAllGather: input and output must both be Float32Arrays or both Float64Arrays/);
    expect(() => addon.distAllGather(live.handle('t'), new Float32Array(2), new Float32Array(3))).toThrow(/distAllGather: output must hold 1 x 2 values, got 3/);
    expect(() => addon.distConnect({ rank: 0, worldSize: 1, store, prefix: 'p', timeoutMs: -1 })).toThrow(/distConnect: timeoutMs must be an integer/);
    // A plan that is whole but for its group.
    const plan = {
      n: 1, features: 1, batchSize: 1, loss: 0, smoothing: 0, threshold: 0, x: new Float32Array(1), yIndex: new Int32Array(1), epochs: 1,
      stages: [{ kind: 0, inF: 1, outF: 1, act: 0, W: new Float32Array(1), gW: new Float32Array(1), b: null, gb: null }],
      control: new Int32Array(1), rng: new Uint32Array(4), batchLoss: new Float32Array(1), hyper: new Float64Array(HYPER_FIELDS.length), params: [], grads: [], s0: [], s1: [], s2: [],
    };
    expect(() => addon.trainEpoch({ ...plan, group: {} })).toThrow(/^trainEpoch: group must be a process group from distConnect$/);
    expect(() => addon.trainEpoch({ ...plan, rows: 2 })).toThrow(/trainEpoch: rows \(2\) differs from n \(1\): an order must name the rows/);
    await live.destroy();
  });
});
