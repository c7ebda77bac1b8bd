// Random calls of the public API with arguments of every kind (tensors of odd shapes, NaN, huge
// numbers, null, strings, arrays, option objects): each must give a result or an Error that the
// library raised on purpose. An error from inside (V8's "Cannot read properties of null", a typed
// array's RangeError) means an argument went unchecked; a search like this one found a dozen.
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as bp from '../lib/index';
import { nn, optim, Tensor } from '../lib/index';
import { eachBackend, nativeExpected } from './helpers/backends';
import { drawsOf, rng } from './helpers/random';
import { scratchDir } from './helpers/scratch';
import { shown } from '../lib/args';
import { fmt } from '../lib/shape';

const SHAPES = [[], [0], [1], [3], [2, 3], [3, 2], [2, 3, 4], [1, 1], [4, 0, 2], [2, 1, 3], [2, 4], [4, 4], [2, 3, 4, 4]];

// The messages of errors raised inside rather than by an argument check.
const FROM_INSIDE = /Cannot read|is not a function|Invalid typed array|Maximum call stack|is not iterable|Cannot convert|Invalid array length|Cannot set|Cannot create|\{"data"|must be of type|Offset is outside|Class constructor/;

// Functions that write files, take minutes to misuse or switch global state (the generator's seed, gradient
// recording) are left out; so are Tensor methods marked @internal.
const SKIPPED = new Set(['Tensor', 'SummaryWriter', 'setBackend', 'setNumThreads', 'manualSeed', 'seed', 'setRngState', 'setGradEnabled', 'save', 'load', 'saveCheckpoint', 'loadCheckpoint', 'readSafetensors', 'writeSafetensors', 'fit', 'noGrad']);
const INTERNAL_METHODS = new Set(['constructor', 'accumulateGrad', 'gradData', 'setOwnGrad', 'releaseGrad', 'gradBuffer']);

type Call = [string, (...args: unknown[]) => unknown];

/**
 * Where two arrays of results first differ beyond `tol` relative (NaN matches NaN, infinities
 * themselves; -0 and +0 count as equal): -1 for nowhere, -2 when their lengths differ.
 */
function firstDifference(x: readonly number[], y: readonly number[], tol: number): number {
  if (x.length !== y.length) return -2;
  return x.findIndex((u, i) => !(Object.is(u, y[i]) || (Number.isNaN(u) && Number.isNaN(y[i])) || Math.abs(u - y[i]) <= tol * Math.max(1, Math.abs(u), Math.abs(y[i]))));
}

function searcher(seed: number) {
  const r = rng(seed);
  const { pick } = drawsOf(r);
  const tensor = (): Tensor => {
    const shape = pick(SHAPES);
    const n = shape.reduce((a, b) => a * b, 1);
    return bp.tensor(Array.from({ length: n }, () => pick([0, 1, 2, -1, 0.5, NaN, Infinity, 3])), { shape, requiresGrad: n > 0 && r() < 0.3 });
  };
  const value = (): unknown => pick<() => unknown>([
    tensor, tensor, tensor,
    () => pick([0, 1, -1, 2, 3, -3, 1.5, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31), 1e10, 1e-3]),
    () => null, () => undefined, () => 'x', () => pick(['mean', 'sum', 'none', 'cos', 'min']),
    () => pick([[], [0], [1, 2], [-1], [2, 3], [1.5], [NaN], [[1]], [4]]),
    () => ({ lr: pick([0.1, -1, NaN, 'a', undefined]), reduction: pick(['mean', 'x', undefined]), bias: pick([true, false, 1]), momentum: pick([0.9, -1, 2]) }),
    () => true, () => [tensor()], () => ({}), () => new Int32Array([1, 0]), () => new Float32Array(2),
    // Values that cannot be turned into text or numbers: messages that interpolated them threw while being built.
    () => Symbol('s'), () => 10n,
  ])();
  const args = () => Array.from({ length: Math.floor(r() * 4) }, value);
  return { r, pick, tensor, args };
}

/** Runs `calls` random calls; returns one line per distinct error from inside. */
function search(seed: number, calls: number, next: (s: ReturnType<typeof searcher>) => [string, () => unknown, unknown[]]): string[] {
  const s = searcher(seed);
  const found = new Map<string, string>();
  for (let i = 0; i < calls; i++) {
    let name = '?';
    let args: unknown[] = [];
    try {
      const [n, run, a] = next(s);
      name = n;
      args = a;
      const y = run();
      if (y instanceof Tensor && y.requiresGrad && y.size > 0 && s.r() < 0.5) y.sum().backward();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (!(e instanceof Error) || FROM_INSIDE.test(msg)) {
        const key = `${name}: ${msg.slice(0, 100)}`;
        if (!found.has(key)) found.set(key, `${key} (arguments ${args.map((a) => shown(a)).join(', ')})`);
      }
    }
  }
  return [...found.values()];
}

const functions = Object.entries(bp).filter(([k, v]) => typeof v === 'function' && !SKIPPED.has(k)) as Call[];
const methods = Object.getOwnPropertyNames(Tensor.prototype).filter((k) => !INTERNAL_METHODS.has(k) && typeof Object.getOwnPropertyDescriptor(Tensor.prototype, k)?.value === 'function');
type Ctor = new (...a: unknown[]) => unknown;
const modules = Object.entries(nn).filter(([, v]) => typeof v === 'function') as [string, Ctor][];
const optimizers = Object.entries(optim).filter(([k, v]) => typeof v === 'function' && k !== 'ParamGroup') as [string, Ctor][];

// Files for the file functions to meet: a good model file, garbage, a cut header, a directory.
const dir = scratchDir('backprop-random-calls-');
const FILES = ['model.safetensors', 'garbage.bin', 'cut.safetensors', 'out.safetensors', 'missing/f.safetensors', '.'].map((f) => path.join(dir, f));
bp.save(new nn.Linear(3, 2), FILES[0]);
fs.writeFileSync(FILES[1], Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
fs.writeFileSync(FILES[2], Buffer.concat([Buffer.from([16, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}')]));
const MODULE_METHODS = ['toString', 'call', 'namedChildren', 'children', 'namedModules', 'modules', 'apply', 'namedParameters', 'parameters', 'namedBuffers', 'train', 'eval', 'zeroGrad', 'stateDict', 'loadStateDict', 'at', 'forward'];
const FILE_FUNCTIONS: Call[] = [['save', bp.save], ['load', bp.load], ['saveCheckpoint', bp.saveCheckpoint], ['loadCheckpoint', bp.loadCheckpoint], ['readSafetensors', bp.readSafetensors],
  ['writeSafetensors', bp.writeSafetensors], ['readIdx', bp.data.readIdx],
  ['SummaryWriter', (d: unknown, tag: unknown, v: unknown, step: unknown) => { const w = new bp.SummaryWriter(d as string); try { w.addScalar(tag as string, v as number, step as number); } finally { w.close(); } }],
  // Not its default directory: where the dataset is installed that would load 70k images a call.
  ['fashionMnist', (d: unknown) => (d === undefined ? null : bp.data.fashionMnist(d as string))]] as Call[];

// RANDOM_CALLS_SEED=n (added to each search's own seed) and RANDOM_CALLS_SCALE=k (k times the
// calls) search further than CI does: adding a function shifts every later draw, and the searches
// have found unchecked arguments that way.
const SEED_SHIFT = Number(process.env.RANDOM_CALLS_SEED ?? 0);
const SCALE = Number(process.env.RANDOM_CALLS_SCALE ?? 1);

eachBackend('random calls of the public API', () => {
  it('functions and Tensor methods: a result or an error raised on purpose', () => {
    expect(search(7 + SEED_SHIFT, 6000 * SCALE, (s) => {
      const args = s.args();
      if (s.r() < 0.5) {
        const [name, f] = s.pick(functions);
        return [name, () => f(...args), args];
      }
      const t = s.tensor();
      const m = s.pick(methods);
      return [`Tensor.${m}`, () => (t as unknown as Record<string, (...a: unknown[]) => unknown>)[m](...args), [t, ...args]];
    })).toEqual([]);
  });

  it('modules (constructed, then forward), losses and optimizers (constructed, then stepped)', () => {
    expect(search(11 + SEED_SHIFT, 4000 * SCALE, (s) => {
      const args = s.args();
      const later = s.args();
      if (s.r() < 0.6) {
        const [name, C] = s.pick(modules);
        // A size of 2 ** 31 or 1e10 the library takes as asked (as torch would): BatchNorm1d(2 ** 31)
        // filled 16 GB of statistics for 43 s. Such sizes reach the functions' checks in the test above.
        if (args.some((a) => typeof a === 'number' && Math.abs(a) >= 2 ** 24 && Number.isFinite(a))) return [`nn.${name}`, () => null, args];
        return [`nn.${name}`, () => {
          const m = new C(...args) as { forward?: (...a: unknown[]) => unknown };
          return typeof m.forward === 'function' ? m.forward(s.tensor(), ...later) : m;
        }, [...args, '| forward', ...later]];
      }
      const [name, C] = s.pick(optimizers);
      return [`optim.${name}`, () => {
        const o = new C(...args) as { step?: () => void; zeroGrad?: (...a: unknown[]) => void };
        o.zeroGrad?.(...later);
        o.step?.();
        return o;
      }, [...args, '| zeroGrad', ...later]];
    })).toEqual([]);
  });

  it('module methods and the file functions (models, optimizers, paths, good and broken files among the arguments)', () => {
    const model = (r: () => number) => [() => new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2)), () => new nn.Sequential(new nn.Linear(3, 3), new nn.BatchNorm1d(3)), () => new nn.Embedding(5, 3)][Math.floor(r() * 3)]();
    expect(search(13, 3000, (s) => {
      const extra = [model(s.r), s.pick(FILES), s.pick(FILES), new optim.SGD(new nn.Linear(3, 2).parameters(), { lr: 0.1 }), { epoch: 1 }, model(s.r).stateDict(), (m: unknown) => m];
      // Every string goes under the temporary directory: 'x' would be written where the tests run.
      const args = Array.from({ length: Math.floor(s.r() * 4) }, () => (s.r() < 0.5 ? s.pick(extra) : s.args()[0]))
        .map((a) => (typeof a === 'string' && !FILES.includes(a) ? path.join(dir, a) : a));
      if (s.r() < 0.5) {
        const m = model(s.r) as unknown as Record<string, (...a: unknown[]) => unknown>;
        const name = s.pick(MODULE_METHODS);
        return [`Module.${name}`, () => (typeof m[name] === 'function' ? m[name](...args) : null), args];
      }
      const [name, f] = s.pick(FILE_FUNCTIONS);
      return [name, () => f(...args), args];
    })).toEqual([]);
  });
});

// The same random call on both backends: the same values and gradients (NaN where NaN, -0 where
// -0 up to the tolerance's reach), or the same error. Shapes are drawn to broadcast often and to
// cross the kernels' vector widths (7, 8, 9, 64, 65).
describe.runIf(nativeExpected())('random calls: the native backend answers as the reference does', () => {
  // One of 18 dimensions: past the kernels' 16, which the ops coalesce.
  const SIZES = [[], [1], [3], [2, 3], [3, 1], [1, 3], [2, 3, 4], [4, 1, 3], [0, 3], [9], [65], [8, 9], [7, 64], [2, 1, 65], [2, ...Array<number>(16).fill(1), 3]];
  // The draws: each backend's call takes the generator's next numbers, so their values differ.
  const DRAWS = ['rand', 'randn', 'randint', 'randperm', 'randLike', 'randnLike', 'bernoulli', 'multinomial', 'normal', 'poisson', 'uniform_', 'normal_', 'exponential_', 'geometric_', 'logNormal_', 'cauchy_', 'random_', 'bernoulli_', 'randintLike', 'svdLowrank', 'pcaLowrank'];
  const NOT_COMPARED = new Set([...SKIPPED, ...DRAWS, 'getBackend', 'hasNative', 'nativeKernelSet', 'getNumThreads', 'isGradEnabled', 'evaluate', 'predict']);
  const compared = Object.keys(bp).filter((k) => typeof (bp as Record<string, unknown>)[k] === 'function' && !NOT_COMPARED.has(k));
  const comparedMethods = methods.filter((m) => !['backward', 'toString', 'retainGrad', 'requiresGrad_', 'detach_', ...DRAWS].includes(m));
  type Spec = { shape: number[]; values: number[]; requiresGrad: boolean };
  const isSpec = (a: unknown): a is Spec => typeof a === 'object' && a !== null && !Array.isArray(a) && 'values' in a;

  // Values, then the gradient of every input that wants one, from the first output; or the error.
  function outcome(backend: 'native' | 'reference', name: string, self: Spec | null, args: unknown[]): { values: number[][] } | { error: string } {
    bp.setBackend(backend);
    const real = (a: unknown) => (isSpec(a) ? bp.tensor(a.values, { shape: a.shape, requiresGrad: a.requiresGrad }) : a);
    const inputs = args.map(real);
    const me = self ? (real(self) as Tensor) : null;
    try {
      const y = me ? (me as unknown as Record<string, (...a: unknown[]) => unknown>)[name](...inputs) : (bp as unknown as Record<string, (...a: unknown[]) => unknown>)[name](...inputs);
      const outs = (Array.isArray(y) ? y : [y]).filter((t): t is Tensor => t instanceof Tensor);
      const values = outs.map((t) => Array.from(t.data));
      if (outs.length && outs[0].requiresGrad && outs[0].size > 0) {
        outs[0].backward(bp.tensor(Array.from({ length: outs[0].size }, (_, i) => (i % 3) - 0.75), { shape: [...outs[0].shape] }));
        for (const t of [me, ...inputs]) if (t instanceof Tensor && t.requiresGrad) values.push(t.grad ? Array.from(t.grad.data) : []);
      }
      return { values };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }


  it('values, gradients and errors of functions and Tensor methods', () => {
    const r = rng(17 + SEED_SHIFT);
    const { pick } = drawsOf(r);
    let last: number[] = [2, 3];
    const spec = (): Spec => {
      const shape = r() < 0.5 ? last : pick(SIZES);
      last = shape;
      const special = [0, -0, 1, -1, NaN, Infinity, -Infinity, 1e-40, 88.8, -100, 3];
      return { shape, values: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (r() < 0.8 ? r() * 4 - 2 : pick(special))), requiresGrad: r() < 0.6 };
    };
    const arg = (): unknown => pick<() => unknown>([spec, spec, () => pick([0, 1, -1, 2, 0.5, -0.5, NaN, Infinity]), () => pick([0, 1, -1, 2]), () => r() < 0.5, () => pick([[0], [1, 0], [2, 0, 1], [-1], [3], [2, 3]])])();
    const differ: string[] = [];
    let agreed = 0;
    const prev = bp.getBackend();
    for (let i = 0; i < 6000 * SCALE && differ.length < 5; i++) {
      const method = r() < 0.5;
      const name = method ? pick(comparedMethods) : pick(compared);
      const self = method ? spec() : null;
      const args = Array.from({ length: Math.floor(r() * 3) }, arg);
      const a = outcome('reference', name, self, args);
      const b = outcome('native', name, self, args);
      let why = '';
      if ('error' in a || 'error' in b) {
        if (!('error' in a && 'error' in b && a.error === b.error)) why = `reference ${'error' in a ? a.error : 'ok'} | native ${'error' in b ? b.error : 'ok'}`;
      } else if (a.values.length !== b.values.length) {
        why = `${a.values.length} outputs and gradients against ${b.values.length}`;
      } else {
        a.values.forEach((x, k) => {
          const y = b.values[k];
          const j = firstDifference(x, y, 2e-5);
          if (j !== -1 && !why) why = j === -2 ? `output ${k}: ${x.length} elements against ${y.length}` : `output ${k} [${j}]: reference ${x[j]}, native ${y[j]}`;
        });
        if (!why) agreed++;
      }
      if (why) differ.push(`${method ? 'Tensor.' : ''}${name}: ${why} (self ${JSON.stringify(self?.shape)}, args ${args.map((x) => (isSpec(x) ? `a tensor of shape ${fmt(x.shape)}` : shown(x))).join(', ')})`);
    }
    bp.setBackend(prev);
    expect(differ).toEqual([]);
    expect(agreed).toBeGreaterThan(1000); // most calls must compute something, not just throw alike
  });
});

// Random small models (Linear layers with each fusable activation, BatchNorm, LayerNorm, Embedding,
// Dropout in training) under each loss and option: one forward and backward on each backend, the
// loss and every parameter's gradient the same to 1e-4 (the native path fuses activations into
// its GEMMs and sums in another order). Inputs hold a few infinities, NaN and zeros now and then.
describe.runIf(nativeExpected())('random models: the native backend trains as the reference does', () => {
  it('loss and gradients of 200 random models', () => {
    const r = rng(23);
    const { pick } = drawsOf(r);
    const values = (n: number, special: number) => Array.from({ length: n }, () => (r() < special ? pick([0, -0, NaN, Infinity, -Infinity, 50, -50]) : r() * 4 - 2));
    const differ: string[] = [];
    let compared = 0;
    const prev = bp.getBackend();
    for (let i = 0; i < 200; i++) {
      const [batch, inF, outF, classes] = [pick([1, 2, 5, 8, 9, 64]), pick([1, 3, 7, 8, 9, 16, 33, 65]), pick([1, 3, 7, 8, 9, 16, 33, 65]), pick([2, 3, 10])];
      const act = pick(['relu', 'sigmoid', 'tanh', 'gelu', 'none'] as const);
      const arch = pick(['mlp', 'batchNorm', 'layerNorm', 'embedding', 'dropout'] as const);
      const lossKind = pick(['ce', 'ce smoothed', 'ce weighted', 'ce ignore 1', 'nll', 'mse', 'l1', 'bce logits', 'weighted sum'] as const);
      const classOut = lossKind.startsWith('ce') || lossKind === 'nll';
      const width = classOut ? classes : outF;
      const targets = Array.from({ length: batch }, () => Math.floor(r() * classes));
      const x = arch === 'embedding' ? Array.from({ length: batch }, () => Math.floor(r() * 5)) : values(batch * inF, pick([0, 0, 0.05]));
      const other = values(batch * width, 0);
      const classWeight = values(classes, 0).map(Math.abs);
      const biasFirst = arch !== 'batchNorm' && r() < 0.8; // a bias before BatchNorm has no gradient but noise
      const seed = Math.floor(r() * 1e6);
      const run = (backend: 'native' | 'reference'): number[][] | string => {
        bp.setBackend(backend);
        bp.manualSeed(seed);
        try {
          const layers: nn.Module[] = arch === 'embedding' ? [new nn.Embedding(5, inF, { paddingIdx: 0 })] : [];
          const activation = { relu: () => new nn.ReLU(), sigmoid: () => new nn.Sigmoid(), tanh: () => new nn.Tanh(), gelu: () => new nn.GELU(), none: () => new nn.Identity() }[act];
          layers.push(new nn.Linear(inF, outF, { bias: biasFirst }), activation());
          if (arch === 'batchNorm') layers.push(new nn.BatchNorm1d(outF));
          if (arch === 'layerNorm') layers.push(new nn.LayerNorm(outF));
          if (arch === 'dropout') layers.push(new nn.Dropout(0.3));
          layers.push(new nn.Linear(outF, width));
          const model = new nn.Sequential(...layers);
          const input = arch === 'embedding' ? bp.tensor(x) : bp.tensor(x, { shape: [batch, inF] });
          const y = model.forward(input);
          const like = bp.tensor(other, { shape: [...y.shape] });
          const loss = {
            ce: () => new nn.CrossEntropyLoss().forward(y, targets),
            'ce smoothed': () => new nn.CrossEntropyLoss({ labelSmoothing: 0.2 }).forward(y, targets),
            'ce weighted': () => new nn.CrossEntropyLoss({ weight: bp.tensor(classWeight) }).forward(y, targets),
            'ce ignore 1': () => new nn.CrossEntropyLoss({ ignoreIndex: 1 }).forward(y, targets),
            nll: () => new nn.NLLLoss().forward(y.logSoftmax(1), targets),
            mse: () => new nn.MSELoss().forward(y, like),
            l1: () => new nn.L1Loss().forward(y, like),
            'bce logits': () => new nn.BCEWithLogitsLoss().forward(y, like.gt(0)),
            'weighted sum': () => y.mul(like).sum(),
          }[lossKind]();
          loss.backward();
          return [Array.from(loss.data), ...model.parameters().map((p) => (p.grad ? Array.from(p.grad.data) : []))];
        } catch (e) {
          return (e as Error).message;
        }
      };
      const [a, b] = [run('reference'), run('native')];
      const what = `${arch} ${batch}x${inF}->${outF}->${width} ${act} ${lossKind}`;
      if (typeof a === 'string' || typeof b === 'string') {
        if (a !== b) differ.push(`${what}: ${String(a)} | ${String(b)}`);
        continue;
      }
      compared++;
      a.forEach((xs, k) => {
        const j = firstDifference(xs, b[k], 1e-4);
        if (j !== -1) differ.push(`${what}: ${k === 0 ? 'loss' : `gradient ${k - 1}`}${j >= 0 ? ` [${j}] reference ${xs[j]}, native ${b[k][j]}` : ' lengths differ'}`);
      });
    }
    bp.setBackend(prev);
    expect(differ).toEqual([]);
    expect(compared).toBeGreaterThan(180); // a few configurations are refused alike (BatchNorm of one sample)
  });

  it('gradients of 150 random layer graphs with reuse (skip connections, fused and unfused activations)', () => {
    // Layers read any earlier output and may add another (a skip), so tensors are reached along
    // several paths: the native kernels (the fused Linear + activation, a gate applied in a GEMM's
    // epilogue) against the reference's. The engine both share is checked by finite differences on
    // such graphs in gradcheck.test.ts.
    const r = rng(31);
    const D = 8;
    const differ: string[] = [];
    const prev = bp.getBackend();
    for (let i = 0; i < 150; i++) {
      const plan = Array.from({ length: 2 + Math.floor(r() * 5) }, (_, k) => ({
        act: Math.floor(r() * 5), src: Math.floor(r() * (k + 1)), skip: r() < 0.5 ? Math.floor(r() * (k + 1)) : -1, fused: r() < 0.6,
        w: Array.from({ length: D * D + D }, () => (r() * 2 - 1) * 0.5),
      }));
      const xs = Array.from({ length: 5 * D }, () => r() * 2 - 1);
      const gy = Array.from({ length: 5 * D }, () => r() * 2 - 1);
      const run = (backend: 'native' | 'reference'): number[] => {
        bp.setBackend(backend);
        const layers = plan.map((p) => {
          const lin = new nn.Linear(D, D);
          lin.weight.data.set(p.w.slice(0, D * D));
          lin.bias!.data.set(p.w.slice(D * D));
          const act = [() => new nn.ReLU(), () => new nn.Sigmoid(), () => new nn.Tanh(), () => new nn.GELU(), () => null][p.act]();
          const run1: (h: bp.Tensor) => bp.Tensor = act && p.fused ? (h) => new nn.Sequential(lin, act).forward(h) : (h) => (act ? act.forward(lin.forward(h)) : lin.forward(h));
          return { lin, run1 };
        });
        const x = bp.tensor(xs, { shape: [5, D], requiresGrad: true });
        const made = [x];
        plan.forEach((p, k) => {
          const h = layers[k].run1(made[p.src]);
          made.push(p.skip >= 0 ? h.add(made[p.skip]) : h);
        });
        made[made.length - 1].backward(bp.tensor(gy, { shape: [5, D] }));
        return [...x.grad!.data, ...layers.flatMap(({ lin }) => [...(lin.weight.grad?.data ?? []), ...(lin.bias!.grad?.data ?? [])])];
      };
      const [a, b] = [run('reference'), run('native')];
      const j = firstDifference(a, b, 1e-4);
      if (j !== -1) differ.push(`graph ${i} ${JSON.stringify(plan.map(({ act, src, skip, fused }) => ({ act, src, skip, fused })))}: ${j >= 0 ? `[${j}] reference ${a[j]}, native ${b[j]}` : 'lengths differ'}`);
    }
    bp.setBackend(prev);
    expect(differ).toEqual([]);
  });
});
