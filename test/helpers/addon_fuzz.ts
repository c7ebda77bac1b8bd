// Run as a child process by test/addon-fuzz.test.ts: records the addon calls that a small training
// workload makes (every kernel the library reaches), then replays them with one or two arguments
// mutated (lengths off by one or more, views at an offset, other array types, numbers at the edges
// of int32 and double, NaN, booleans and objects out of place, arguments left off). Each replay must
// return or throw an Error with a message of its own; a crash or a hang kills or stalls this process,
// and the last call is in the file named by argv[4] for the test to show.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as bp from '../../lib/index';
import { nn, optim } from '../../lib/index';
import { addonPath } from '../../lib/backend/native';
import { oneImageAtATime } from './conv_paths';

type Fn = ((...args: unknown[]) => unknown) & { original?: Fn };

// Calls that change the process rather than compute (thread count, pinning, allocator) are not
// replayed, nor a group's connecting (a worldSize made 2 waits for a peer as long as the timeout
// says, which a mutation may make days) and closing. trainEpoch's plan (an object of typed arrays)
// is mutated a field or two at a time.
const NOT_REPLAYED = new Set(['pinThread', 'setNumThreads', 'tuneAllocator', 'setPoolPaces', 'distConnect', 'distDestroy']);

function copy(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return (v as Float32Array).slice();
  if (Array.isArray(v)) return v.map(copy);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, copy(x)]));
  return v;
}

async function record(addon: Record<string, unknown>): Promise<Map<string, unknown[][]>> {
  const seen = new Map<string, unknown[][]>();
  for (const name of Object.keys(addon)) {
    const f = addon[name] as Fn;
    if (typeof f !== 'function' || NOT_REPLAYED.has(name)) continue;
    const wrapped: Fn = (...args) => {
      const calls = seen.get(name) ?? [];
      seen.set(name, calls);
      if (calls.length < 30) calls.push(args.map(copy));
      return f(...args);
    };
    wrapped.original = f;
    addon[name] = wrapped;
  }
  bp.manualSeed(1);
  const model = new nn.Sequential(new nn.Linear(9, 17), new nn.ReLU(), new nn.Linear(17, 65), new nn.GELU(), new nn.LayerNorm(65), new nn.Dropout(0.2), new nn.Linear(65, 5));
  const norm = new nn.BatchNorm1d(5);
  const embed = new nn.Embedding(10, 4);
  const params = [...model.parameters(), ...norm.parameters(), ...embed.parameters()];
  for (const opt of [new optim.SGD(params, { lr: 0.01, momentum: 0.9 }), new optim.Adam(params), new optim.RMSprop(params), new optim.Adagrad(params)]) {
    opt.zeroGrad();
    const y = norm.forward(model.forward(bp.randn([8, 9])));
    const e = embed.forward(bp.tensor([1, 2, 3, 4, 5, 6, 7, 8])).sum(1, true);
    const terms = [
      y.add(e).softmax(1).log().max(1).sum(), y.logSoftmax(1).mean(), new nn.CrossEntropyLoss().forward(y, [0, 1, 2, 3, 4, 0, 1, 2]),
      y.sigmoid().tanh().exp().sqrt().abs().pow(2).clamp(0, 3).sum(), bp.where(y.gt(0), y, y.mul(2)).sum(),
      y.gather(1, bp.tensor([[0], [1], [2], [3], [4], [0], [1], [2]])).sum(), bp.cat([y, y.T.T], 1).narrow(1, 2, 3).sum(),
      y.indexSelect(0, bp.tensor([1, 3])).sum(), new nn.BCEWithLogitsLoss().forward(y, bp.rand([8, 5])), y.std(0).sum(),
    ];
    terms.reduce((a, b) => a.add(b)).backward();
    bp.clipGradNorm(params, 1);
    opt.step();
  }
  // Linear layers at inference, one call for the chain (linearChain): two layers, then three.
  bp.noGrad(() => model.forward(bp.randn([3, 9])));
  bp.noGrad(() => new nn.Sequential(new nn.Linear(6, 9), new nn.Tanh(), new nn.Linear(9, 9), new nn.Identity(), new nn.Linear(9, 3)).forward(bp.randn([2, 6])));
  // L-BFGS's dot products (sumProducts): two steps, the second with a history.
  const lbfgsModel = new nn.Linear(5, 2);
  const lbfgs = new optim.LBFGS(lbfgsModel.parameters(), { maxIter: 3 });
  for (let i = 0; i < 2; i++) lbfgs.step(() => { lbfgs.zeroGrad(); const l = lbfgsModel.forward(bp.randn([4, 5])).square().mean(); l.backward(); return l; });
  // Convolution and pooling: imageRows and its gradient, maxPool2d.
  const cnn = new nn.Sequential(new nn.Conv2d(2, 4, 3, { padding: 1, groups: 2 }), new nn.MaxPool2d(2), new nn.AvgPool2d(2, { ceilMode: true }), new nn.Flatten());
  cnn.forward(bp.randn([2, 2, 6, 5], { requiresGrad: true })).sum().backward();
  // One image at a time (the path of large batches): imageColumns and its gradient.
  oneImageAtATime(() => bp.conv2d(bp.randn([2, 4, 5, 6], { requiresGrad: true }), bp.randn([6, 2, 3, 2], { requiresGrad: true }), bp.randn([6], { requiresGrad: true }), { groups: 2, stride: [2, 1], padding: 1 }).sum().backward());
  // gridSample and its gradient (bilinear with reflection, nearest with border).
  const theta = bp.tensor([[[0.9, 0.2, 0.1], [-0.1, 1.1, 0.05]]], { requiresGrad: true });
  bp.gridSample(bp.randn([1, 2, 4, 5], { requiresGrad: true }), bp.affineGrid(theta, [1, 2, 3, 3]), { paddingMode: 'reflection' }).sum().backward();
  bp.gridSample(bp.randn([1, 2, 4, 5], { requiresGrad: true }), bp.affineGrid(theta, [1, 2, 3, 3]), { mode: 'nearest', paddingMode: 'border' }).sum().backward();
  new nn.ConvTranspose2d(2, 2, 3, { stride: 2 }).forward(bp.randn([1, 2, 3, 3], { requiresGrad: true })).sum().backward();
  // The LSTM and GRU cells' kernels.
  new nn.LSTM(3, 4).forward(bp.randn([2, 2, 3], { requiresGrad: true })).sum().backward();
  new nn.GRU(3, 4).forward(bp.randn([2, 2, 3], { requiresGrad: true })).sum().backward();
  // Batched products (gemmBatch), forward and backward.
  bp.bmm(bp.randn([3, 2, 4], { requiresGrad: true }), bp.randn([3, 4, 5], { requiresGrad: true })).sum().backward();
  // The LU kernels (luFactor, luSolve): a solve and its gradient, a determinant.
  bp.linalg.solve(bp.randn([5, 5], { requiresGrad: true }).add(bp.eye(5).mul(3)), bp.randn([2, 5, 3], { requiresGrad: true })).sum().backward();
  bp.det(bp.randn([3, 4, 4]));
  // cholesky and triSolve: a factor, its gradient, a triangular solve.
  const spd = bp.randn([4, 4], { requiresGrad: true });
  bp.linalg.cholesky(spd.matmul(spd.T).add(bp.eye(4))).sum().backward();
  bp.linalg.solveTriangular(bp.eye(3).add(bp.rand([3, 3])), bp.randn([3, 2]), { upper: true });
  bp.linalg.qr(bp.randn([2, 5, 3], { requiresGrad: true })).R.sum().backward();
  bp.linalg.eigh(bp.randn([2, 4, 4], { requiresGrad: true })).eigenvectors.square().sum().backward();
  bp.linalg.svd(bp.randn([2, 5, 3], { requiresGrad: true })).U.square().sum().backward();
  bp.fft.irfft(bp.fft.fft(bp.fft.rfft(bp.randn([3, 12], { requiresGrad: true })), { n: 9 })).square().sum().backward();
  bp.cdist(bp.randn([2, 5, 3], { requiresGrad: true }), bp.randn([4, 3], { requiresGrad: true }), 1).sum().backward();
  bp.sort(bp.randn([2, 300], { requiresGrad: true }), 1, true).values.sum().backward();
  bp.topk(bp.randn([3, 40]), 2, { dim: 1 });
  bp.randn([101]);
  bp.rand([4, 6]).argmax(1);
  // The fused fit's plans: cross-entropy with Dropout and Adam, MSE with BatchNorm and SGD.
  const x = bp.randn([40, 6]);
  const classes = bp.tensor(Array.from({ length: 40 }, (_, i) => i % 3));
  const fits: [nn.Module, bp.FitOptions['loss'], bp.Tensor, (p: bp.Tensor[]) => optim.Optimizer][] = [
    [new nn.Sequential(new nn.Linear(6, 9), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(9, 3)), new nn.CrossEntropyLoss(), classes, (p) => new optim.Adam(p)],
    [new nn.Sequential(new nn.Linear(6, 9), new nn.BatchNorm1d(9), new nn.Tanh(), new nn.Linear(9, 3)), new nn.MSELoss(), bp.rand([40, 3]), (p) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 })],
  ];
  for (const [model, loss, y, opt] of fits) {
    await bp.fit(model, { x, y }, { loss, optimizer: opt(model.parameters()), epochs: 1, batchSize: 8, verbose: false });
  }
  // A process group of one (its collectives, and fit's plan with a group in it), left open for the replays.
  if (bp.distributed.processGroupsUnavailable() === null) {
    const group = await bp.distributed.initProcessGroup({ rank: 0, worldSize: 1, store: fs.mkdtempSync(path.join(os.tmpdir(), 'backprop-fuzz-')), hostname: '127.0.0.1', timeoutMs: 2000 });
    await group.allReduce([bp.randn([3]), bp.randn([2, 2])], 'mean');
    await group.broadcast(bp.randn([4]));
    await group.barrier();
    const [model, loss, y, opt] = fits[0];
    await bp.fit(model, { x, y }, { loss, optimizer: opt(model.parameters()), epochs: 1, batchSize: 8, processGroup: group });
  }
  for (const name of Object.keys(addon)) {
    const f = addon[name] as Fn;
    if (f.original) addon[name] = f.original;
  }
  return seen;
}

async function main(): Promise<void> {
  const [seedArg, countArg, lastFile] = process.argv.slice(2);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const addon = require(addonPath()) as Record<string, unknown>;
  const seen = await record(addon);
  if (!seen.has('trainEpoch')) throw new Error('no fused fit ran: trainEpoch was not recorded');
  if (!['lstmCell', 'lstmCellGrad', 'gruCell', 'gruCellGrad', 'gemmBatch', 'linearChain', 'sumProducts', 'luFactor', 'luSolve', 'cholesky', 'triSolve', 'householderQr', 'eigh', 'svd', 'fftRows', 'realFftRows', 'distances', 'distancesGrad', 'sortOrder'].every((k) => seen.has(k))) {
    throw new Error("the recurrent cells', the batched products', the linear chain's the dense linear-algebra kernels, the Fourier transform, cdist's or the sort's were not recorded");
  }
  if (bp.distributed.processGroupsUnavailable() === null && !['distAllReduce', 'distBroadcast', 'distBarrier'].every((n) => seen.has(n))) {
    throw new Error("a process group's collectives were not recorded");
  }
  let s = Number(seedArg) >>> 0 || 1;
  const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const mutate = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v)) {
      const a = v as Float32Array;
      const C = a.constructor as Float32ArrayConstructor;
      switch (int(6)) {
        case 0: return new C(Math.max(0, a.length - 1 - int(3)));
        case 1: return new C(a.length + 1 + int(3));
        case 2: { const w = a.slice(); if (w.length) w[int(w.length)] = pick([-1, 1e9, 2 ** 31 - 1, NaN, -(2 ** 31), 0, 1e30]); return w; }
        case 3: return pick([null, 5, new Float64Array(a.length), new Int32Array(a.length), new Float32Array(a.length)]);
        case 4: return new C(new ArrayBuffer(a.byteLength + 8), C.BYTES_PER_ELEMENT, a.length);
        default: return a.subarray(1);
      }
    }
    if (Array.isArray(v)) {
      if (!v.length || rnd() < 0.3) return pick([[], null, [...v, ...v]]);
      const w = v.slice();
      const i = int(w.length);
      w[i] = mutate(w[i]);
      return w;
    }
    if (typeof v === 'number') return pick([v + 1, v - 1, -v, 0, -1, NaN, Infinity, 2 ** 31, 2 ** 31 - 1, 2 ** 53, v * 1000, 0.5, 1e-300]);
    if (typeof v === 'boolean') return pick([!v, 1, 'x']);
    if (v === null) return pick([new Float32Array(1), 0, undefined]);
    if (typeof v === 'object') {
      const w = { ...(v as Record<string, unknown>) };
      const keys = Object.keys(w);
      const k = keys.length ? pick(keys) : null;
      if (k !== null) w[k] = rnd() < 0.7 ? mutate(w[k]) : pick([NaN, -1, 'x', null, 1e9, undefined]);
      return w;
    }
    return pick([0, null]);
  };
  const names = [...seen.keys()];
  const last = fs.openSync(lastFile, 'w');
  let returned = 0, threw = 0;
  for (let i = 0; i < Number(countArg); i++) {
    const name = pick(names);
    const args = (pick(seen.get(name)!)).map(copy);
    for (let t = 1 + int(2); t > 0 && args.length; t--) {
      const j = int(args.length);
      args[j] = mutate(args[j]);
    }
    if (rnd() < 0.05) args.length = int(args.length + 1);
    // A valid plan of 2^31 - 1 epochs is not an error, only a long run: not replayed.
    const plan = name === 'trainEpoch' ? (args[0] as { epochs?: unknown; n?: unknown } | null) : null;
    if (plan && typeof plan === 'object' && Number(plan.epochs) * Number(plan.n) > 1e5) continue;
    const shown = args.map((a) => (ArrayBuffer.isView(a) ? `${a.constructor.name}(${(a as Float32Array).length})` : a));
    const line = Buffer.from(`${name}(${JSON.stringify(shown)})`);
    fs.ftruncateSync(last, 0);
    fs.writeSync(last, line, 0, line.length, 0);
    try {
      await (addon[name] as Fn)(...args); // trainEpoch's promise: a rejection is a throw
      returned++;
    } catch (e) {
      threw++;
      if (!(e instanceof Error) || !e.message.startsWith(`${name}: `)) throw new Error(`${name} threw without naming itself: ${String(e)}`);
    }
  }
  console.log(`replayed ${names.length} functions: ${returned} returned, ${threw} threw`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
