// Bad input gives a clear Error naming the argument, shapes or value, never a crash or a wrong number.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { HYPER_DEFAULTS } from '../lib/optim/optimizer';
import { nn, optim } from '../lib/index';
import { addonPath, loadNative } from '../lib/backend/native';
import { HYPER_FIELDS, Unary } from '../lib/backend/backend';
import { eachBackend, nativeExpected } from './helpers/backends';

eachBackend('shape errors', () => {
  it('matmul names both shapes', () => {
    expect(() => bp.matmul(bp.zeros([2, 3]), bp.zeros([4, 5]))).toThrow(/matmul: shapes \[2, 3\] and \[4, 5\]/);
    expect(() => bp.matmul(bp.zeros([]), bp.zeros([3]))).toThrow(/matmul.*\[\] and \[3\]/);
    expect(() => bp.matmul(bp.zeros([2, 3, 4]), bp.zeros([3, 4, 5]))).toThrow(/matmul: batch dimensions of \[2, 3, 4\] and \[3, 4, 5\]: shapes \[2\] and \[3\] cannot be broadcast/);
  });
  it('broadcasting names both shapes', () => {
    expect(() => bp.add(bp.zeros([2, 3]), bp.zeros([4]))).toThrow(/add: shapes \[2, 3\] and \[4\] cannot be broadcast/);
    expect(() => bp.zeros([3, 2]).mul(bp.zeros([2, 3]))).toThrow(/mul: shapes \[3, 2\] and \[2, 3\]/);
  });
  it('reshape, dims and tensor creation', () => {
    expect(() => bp.zeros([2, 3]).reshape([4, 2])).toThrow(/reshape: cannot reshape tensor of shape \[2, 3\]/);
    expect(() => bp.zeros([2, 3]).sum(2)).toThrow(/sum: dim 2 is out of range/);
    // A list of dims: each checked, none twice (-1 and 1 are the same dim of a 2-D tensor).
    expect(() => bp.zeros([2, 3]).mean([0, 2])).toThrow(/mean: dim 2 is out of range/);
    expect(() => bp.zeros([2, 3]).var([1, -1])).toThrow(/^var: dim 1 appears more than once in the list of dims \[1, -1\]$/);
    expect(() => bp.zeros([2, 3]).sum([0, 'a' as unknown as number])).toThrow(/sum: dim must be an integer, got "a"/);
    expect(() => bp.softmax(bp.zeros([2, 3]), -3)).toThrow(/softmax: dim -3/);
    expect(() => bp.tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => bp.tensor([1, 2, 3], { shape: [2, 2] })).toThrow(/shape \[2, 2\] needs 4 elements but the data has 3/);
    expect(() => bp.zeros([2, -1])).toThrow(/invalid shape/);
    expect(() => bp.eye(-2)).toThrow(/eye: invalid shape \[-2, -2\]/);
    // More than any machine has: the error says how much was asked for (V8's alone does not).
    expect(() => bp.zeros([1e6, 1e6])).toThrow(/cannot allocate tensor storage of 1000000000000 float32 elements \(3725\.3 GiB\)/);
    expect(() => bp.randn([1e6, 1e6])).toThrow(RangeError);
  });
  it('schedulers name the argument', () => {
    const opt = new optim.SGD(new nn.Linear(2, 2).parameters(), { lr: 0.1 });
    expect(() => new bp.lrScheduler.StepLR({} as optim.Optimizer, { stepSize: 1 })).toThrow(/StepLR: optimizer must be an optimizer/);
    expect(() => new bp.lrScheduler.StepLR(opt, { stepSize: 0 })).toThrow(/StepLR: stepSize must be positive, got 0/);
    expect(() => new bp.lrScheduler.ExponentialLR(opt, undefined as unknown as { gamma: number })).toThrow(/ExponentialLR: gamma must be positive, got undefined/);
    expect(() => new bp.lrScheduler.CosineAnnealingLR(opt, { tMax: -1 })).toThrow(/CosineAnnealingLR: tMax must be positive, got -1/);
  });
  it('linear and losses name the mismatch', () => {
    const l = new nn.Linear(3, 2);
    expect(() => l.forward(bp.zeros([4, 5]))).toThrow(/linear: input shape \[4, 5\] does not match weight shape \[2, 3\]/);
    // A bias that is not a tensor (random-calls passed true: its shape was read as undefined).
    expect(() => bp.linear(bp.zeros([2, 3]), bp.zeros([2, 3]), true as unknown as bp.Tensor)).toThrow(/^linear: bias must be a Tensor or null, got true$/);
    expect(bp.linear(bp.ones([1, 3]), bp.ones([2, 3])).toArray()).toEqual([[3, 3]]); // no bias, as torch's F.linear(x, w)
    expect(() => new nn.MSELoss().forward(bp.zeros([2, 3]), bp.zeros([3, 2]))).toThrow(/MSELoss: input shape \[2, 3\] does not match target shape \[3, 2\]/);
    expect(() => new nn.CrossEntropyLoss().forward(bp.zeros([2, 3]), [0, 3])).toThrow(/target class index 3 at position 1 is out of range \[0, 3\)/);
    expect(() => new nn.CrossEntropyLoss().forward(bp.zeros([2, 3]), [0])).toThrow(/expected 2 class indices/);
    expect(() => new nn.CrossEntropyLoss().forward(bp.zeros([2, 3]), bp.zeros([2, 4]))).toThrow(/probability target shape \[2, 4\] does not match input shape \[2, 3\]/);
    expect(() => new nn.NLLLoss().forward(bp.zeros([2, 3]), [-1, 0])).toThrow(/NLLLoss: target class index -1/);
    expect(() => new nn.BCELoss().forward(bp.tensor([1.5]), bp.tensor([1]))).toThrow(/BCELoss: input values must be probabilities in \[0, 1\], found 1.5/);
    expect(() => new nn.BatchNorm1d(3).forward(bp.zeros([4, 2]))).toThrow(/BatchNorm1d: expected input \[N, 3\]/);
  });
  it('backward needs a grad for non-scalars and a graph', () => {
    const x = bp.ones([2, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/grad must be given for a non-scalar output of shape \[2, 2\]/);
    expect(() => bp.ones([1]).backward()).toThrow(/does not require grad/);
    expect(() => { x.grad = bp.zeros([3]); }).toThrow(/assigned gradient has shape \[3\] but the tensor has shape \[2, 2\]/);
  });
  it('backward takes null as no grad (PyTorch\'s None) and wants a grad of the output\'s own shape', () => {
    const x = bp.ones([2, 3], { requiresGrad: true });
    x.sum().backward(null);
    expect(x.grad!.toArray()).toEqual([[1, 1, 1], [1, 1, 1]]);
    expect(() => x.mul(2).backward(bp.ones([6]))).toThrow(/backward: grad has shape \[6\] but the output has shape \[2, 3\]/);
    expect(() => x.mul(2).backward([1, 2] as unknown as bp.Tensor)).toThrow(/backward: grad must be a Tensor or a number, got object/);
  });
  it('arguments of the wrong kind are named, not met with a TypeError from inside', () => {
    const t = bp.zeros([2, 3]);
    const notTensor = undefined as unknown as bp.Tensor;
    expect(() => t.reshape(6 as unknown as number[])).toThrow(/reshape: shape must be an array of integers, got number/);
    // torch's zeros(2, 3), ported as it is: the sizes go in one array.
    for (const f of ['zeros', 'ones', 'rand', 'randn', 'empty'] as const) {
      expect(() => (bp[f] as unknown as (a: number, b: number) => unknown)(2, 3)).toThrow(`${f}: shape must be an array of integers, got 2 then 3 as arguments (the sizes go in one array: ${f}([2, 3, ...]))`);
    }
    expect(() => new nn.BatchNorm1d(3).forward(notTensor)).toThrow(/BatchNorm1d: expected a Tensor, got undefined/);
    expect(() => new nn.Dropout(0.5).forward(notTensor)).toThrow(/Dropout: expected a Tensor, got undefined/);
    expect(() => new nn.CrossEntropyLoss().forward(t, null as unknown as number[])).toThrow(/CrossEntropyLoss: target must be a Tensor, an Int32Array or an array of class indices, got null/);
    expect(() => new nn.Linear(3, 2).loadStateDict(undefined as unknown as nn.StateDict)).toThrow(/loadStateDict: expected an object of name -> Tensor/);
    expect(() => bp.noGrad(3 as unknown as () => void)).toThrow(/noGrad: expected a function to run, got number/);
    expect(() => nn.init.uniform(notTensor)).toThrow(/init: expected a Tensor, got undefined/);
    // A fill value that is not a number filled NaN without a word.
    expect(() => bp.full([2], 'a' as unknown as number)).toThrow(/full: value must be a number, got string/);
    expect(() => nn.init.constant(t, null as unknown as number)).toThrow(/constant: value must be a number, got null/);
    expect(bp.full([1], Number.NaN).item()).toBeNaN();
    // An options argument of null (or any non-object) is named by the function that took it.
    const N = null as never;
    const sgd = () => new optim.SGD([bp.zeros([2], { requiresGrad: true })], { lr: 0.1 });
    const linear = new nn.Linear(3, 1);
    const withNull: [string, () => unknown][] = [
      ['tensor', () => bp.tensor([1, 2], N)], ['zeros', () => bp.zeros([2], N)], ['ones', () => bp.ones([2], N)], ['full', () => bp.full([2], 1, N)],
      ['rand', () => bp.rand([2], N)], ['randn', () => bp.randn([2], N)], ['var', () => t.var(0, N)], ['std', () => t.std(0, N)],
      ['clipGradNorm', () => bp.clipGradNorm([t], 1, 2, N)], ['loadStateDict', () => linear.loadStateDict(linear.stateDict(), N)],
      ['batches', () => [...bp.data.batches(t, null, N)]], ['LinearLR', () => new optim.lrScheduler.LinearLR(sgd(), N)],
      ['ConstantLR', () => new optim.lrScheduler.ConstantLR(sgd(), N)], ['PolynomialLR', () => new optim.lrScheduler.PolynomialLR(sgd(), N)],
      ['ReduceLROnPlateau', () => new optim.lrScheduler.ReduceLROnPlateau(sgd(), N)],
      ['evaluate', () => bp.evaluate(linear, { x: t, y: bp.zeros([2, 1]) }, N)], ['predict', () => bp.predict(linear, bp.zeros([2, 3]), N)],
    ];
    for (const [name, call] of withNull) expect(call, name).toThrow(new RegExp(`^${name}: options must be an object, got null$`));
    expect(() => bp.evaluate(linear, { x: t, y: bp.zeros([2, 1]) }, undefined as never)).toThrow(/evaluate: options.loss must be/);
    // A module given as train's mode became a child of itself (endless recursion); paths that are
    // not strings got Node's message about "paths[0]".
    expect(() => new nn.Linear(2, 2).train(new nn.Linear(2, 2) as unknown as boolean)).toThrow(/train: mode must be a boolean, got an object \(Linear\)/);
    expect(() => new nn.Sequential(new nn.ReLU()).at(0.5)).toThrow(/Sequential.at: index 0.5 out of range for 1 layers/);
    expect(() => bp.writeSafetensors(3 as unknown as string, {})).toThrow(/writeSafetensors: file must be a path \(a non-empty string\), got 3/);
    expect(() => bp.writeSafetensors('x.safetensors', null as never)).toThrow(/writeSafetensors: tensors must be an object of name -> Tensor, got null/);
    expect(() => bp.writeSafetensors('x.safetensors', {}, { n: 1 } as never)).toThrow(/writeSafetensors: metadata 'n' must be a string/);
    expect(() => bp.load(undefined as unknown as string)).toThrow(/load: file must be a path/);
    expect(() => bp.data.readIdx('')).toThrow(/readIdx: file must be a path/);
    const lin = new nn.Linear(2, 2);
    expect(() => bp.saveCheckpoint('x.safetensors', lin, {} as optim.Optimizer, { epoch: 1 })).toThrow(/saveCheckpoint: optimizer must be an optimizer such as optim.Adam, got an object \(Object\)/);
    expect(() => bp.saveCheckpoint('x.safetensors', lin, new optim.Adam(lin.parameters()), { epoch: 0.5 })).toThrow(/saveCheckpoint: info must be \{ epoch: an integer/);
    expect(() => bp.loadCheckpoint('x.safetensors', lin, 3 as unknown as optim.Optimizer)).toThrow(/loadCheckpoint: optimizer must be an optimizer/);
    // Storage and shape cannot be replaced (storage of another length under the old shape made cat
    // read zeros past its end); strict-mode code is told so, and the tensor stays whole.
    const fixed = bp.ones([2, 3]) as unknown as { data: Float32Array; shape: number[] };
    expect(() => { fixed.data = new Float32Array(3); }).toThrow(/Cannot set property data of .* which has only a getter/);
    expect(() => { fixed.shape = [3]; }).toThrow(/Cannot set property shape of .* which has only a getter/);
    expect([fixed.data.length, [...fixed.shape]]).toEqual([6, [2, 3]]);
    // An array that holds itself made V8 abort the process (the inferred shape grew without end).
    const selfHolding: unknown[] = [1];
    selfHolding[0] = selfHolding;
    expect(() => bp.tensor(selfHolding as number[])).toThrow(/tensor: data nests deeper than 64 levels of arrays \(an array that contains itself\?\)/);
    let deep: unknown = [1];
    for (let i = 0; i < 63; i++) deep = [deep];
    expect(bp.tensor(deep as number[]).ndim).toBe(64);
    const notModule = {} as nn.Module;
    expect(() => bp.save(notModule, 'x.safetensors')).toThrow(/save: model must be an nn.Module \(such as an nn.Sequential\), got Object/);
    expect(() => bp.predict(null as unknown as nn.Module, t)).toThrow(/predict: model must be an nn.Module/);
    expect(() => bp.evaluate(notModule, { x: t, y: t }, { loss: new nn.MSELoss() })).toThrow(/evaluate: model must be an nn.Module/);
    return expect(bp.fit(notModule, { x: t, y: t }, { loss: new nn.MSELoss(), optimizer: new optim.SGD([new nn.Parameter(t)], { lr: 1 }) })).rejects.toThrow(/fit: model must be an nn.Module/);
  });
});

describe('hyperparameter errors name the argument and the value', () => {
  const p = () => [new nn.Parameter(bp.zeros([2]))];
  it('optimizers', () => {
    expect(() => new optim.SGD(p(), { lr: -0.1 })).toThrow(/SGD: invalid learning rate lr: -0.1/);
    expect(() => new optim.SGD(p(), { lr: 0.1, momentum: -1 })).toThrow(/momentum: -1/);
    expect(() => new optim.SGD(p(), { lr: 0.1, nesterov: true })).toThrow(/nesterov/);
    expect(() => new optim.Adam(p(), { betas: [1, 0.999] })).toThrow(/Adam: invalid beta parameter at index 0: 1/);
    expect(() => new optim.Adam(p(), { betas: [0.9, -0.1] })).toThrow(/beta parameter at index 1: -0.1/);
    expect(() => new optim.AdamW(p(), { eps: -1 })).toThrow(/AdamW: invalid epsilon value eps: -1/);
    expect(() => new optim.RMSprop(p(), { alpha: -0.5 })).toThrow(/RMSprop: invalid alpha: -0.5/);
    expect(() => new optim.Adagrad(p(), { lrDecay: -1 })).toThrow(/Adagrad: invalid lrDecay: -1/);
    expect(() => new optim.Adam([])).toThrow(/empty parameter list/);
    expect(() => new optim.Adam(new nn.Linear(2, 2) as unknown as bp.Tensor[])).toThrow(/Adam: params must be an array \(or iterable\) of tensors, such as model.parameters\(\); got object/);
    expect(() => new optim.SGD(p()[0] as unknown as bp.Tensor[], { lr: 1 })).toThrow(/SGD: params must be .* got a single Tensor/);
    expect(() => new optim.Adam(p(), { betas: 0.9 as unknown as [number, number] })).toThrow(/Adam: betas must be a pair \[beta1, beta2\], got 0.9/);
    expect(() => new optim.Adam([bp.zeros([2], { requiresGrad: true }).mul(2)])).toThrow(/Adam: parameter 0 \(shape \[2\]\) is not a leaf/);
    const o = new optim.Adam(p());
    expect(() => { o.lr = Number.NaN; }).toThrow(/learning rate lr: NaN/);
    // Options that are not an object were read field by field and failed inside (a random-call search found these).
    const noOptions = null as unknown as optim.AdamOptions;
    for (const make of [() => new optim.Adam(p(), noOptions), () => new optim.AdamW(p(), noOptions), () => new optim.RMSprop(p(), noOptions), () => new optim.Adagrad(p(), noOptions)]) {
      expect(make).toThrow(/^(Adam|AdamW|RMSprop|Adagrad): options must be an object, got null$/);
    }
    expect(() => new optim.Adam(p(), 0.1 as unknown as optim.AdamOptions)).toThrow(/Adam: options must be an object, got 0.1/);
    const Base = optim.Optimizer as unknown as new (params: bp.Tensor[]) => optim.Optimizer;
    expect(() => new Base(p())).toThrow(/Optimizer: the base class has no update rule; construct one such as optim.SGD/);
    // The abstract schedule was constructible from JavaScript and failed at step() with "this.nextLr is not a function".
    const BaseSchedule = bp.lrScheduler.LRScheduler as unknown as new (o: optim.Optimizer) => { step(): void };
    expect(() => new BaseSchedule(new optim.SGD(p(), { lr: 0.1 }))).toThrow(/LRScheduler: the base class has no schedule of its own; construct one such as lrScheduler.StepLR/);
  });
  it('Optimizer.loadStateDict checks the whole dict before changing anything', () => {
    // Found by a random search: hyper 'lr' as a string merged as it was, a null state entry threw
    // "Cannot read properties of null (reading 'step')", groups: 5 threw "groups.map is not a
    // function", and a bad buffer for parameter 1 came after parameter 0's state was replaced.
    const p = () => [bp.zeros([3], { requiresGrad: true }), bp.zeros([2], { requiresGrad: true })];
    const params = p();
    const o = new optim.Adam(params, { lr: 0.1 });
    params.forEach((t) => t.sum().backward());
    o.step();
    const good = o.stateDict();
    const before = JSON.stringify(good);
    const bad = (change: (d: optim.OptimizerStateDict) => void) => { const d = JSON.parse(before) as optim.OptimizerStateDict; change(d); return d; };
    const cases: Array<[optim.OptimizerStateDict, RegExp]> = [
      [bad((d) => { (d.hyper as Record<string, unknown>).lr = 'abc'; }), /Adam\.loadStateDict: hyper\.lr must be a number \(not NaN\), got "abc"/],
      [bad((d) => { (d.hyper as Record<string, unknown>).lr = null; }), /hyper\.lr must be a number \(not NaN\), got null/],
      [bad((d) => { (d.hyper as Record<string, unknown>).amsgrad = 1; }), /hyper\.amsgrad must be a boolean, got 1/],
      [bad((d) => { (d.hyper as Record<string, unknown>).lrr = 0.1; }), /hyper has 'lrr', which is not a hyperparameter of Adam/],
      [bad((d) => { (d as unknown as Record<string, unknown>).hyper = 3; }), /hyper must be an object of hyperparameters, got 3/],
      [bad((d) => { (d.state as unknown[])[1] = null; }), /state\[1\] must be \{ step, buffers \}, got null/],
      [bad((d) => { d.state[1].step = -2; }), /state\[1\]\.step must be a non-negative integer, got -2/],
      [bad((d) => { d.state[1].buffers[0] = [1]; }), /buffer 0 of parameter 1 must be 2 numbers \(the parameter's size\), got \[1\]/],
      [bad((d) => { (d.state[1].buffers[1] as unknown[])[0] = 'x'; }), /buffer 1 of parameter 1 holds a value that is not a number/],
      [bad((d) => { (d as unknown as Record<string, unknown>).groups = 5; }), /groups must be an array of \{ size, hyper \}, got 5/],
    ];
    const fresh = new optim.Adam(p(), { lr: 0.5 });
    const freshBefore = JSON.stringify(fresh.stateDict());
    for (const [d, message] of cases) {
      expect(() => o.loadStateDict(d)).toThrow(message);
      expect(JSON.stringify(o.stateDict())).toBe(before);
      expect(() => fresh.loadStateDict(d)).toThrow(message);
      expect(JSON.stringify(fresh.stateDict())).toBe(freshBefore);
    }
    fresh.loadStateDict(good);
    expect(JSON.stringify(fresh.stateDict())).toBe(before);
  });
  it('creation options are checked: requiresGrad a boolean, dtype only float32, an array-like a real length', () => {
    // A random-argument search found these accepted: requiresGrad 'yes' stored as a string, dtype
    // 'int32' ignored (a float32 tensor came back), and {length: -1} failing inside the allocator.
    expect(() => bp.tensor([1, 2], { requiresGrad: 'yes' as unknown as boolean })).toThrow(/^tensor: option requiresGrad must be true or false, got "yes"$/);
    expect(() => bp.zeros([2], { requiresGrad: 1 as unknown as boolean })).toThrow(/^zeros: option requiresGrad must be true or false, got 1$/);
    expect(() => bp.tensor([1], { dtype: 'int32' as 'float32' })).toThrow(/^tensor: tensors are float32 \(dtype 'float32'\), got dtype "int32"$/);
    expect(() => bp.randn([2], { dtype: 'float64' as 'float32' })).toThrow(/^randn: tensors are float32/);
    expect(bp.rand([2], { dtype: 'float32', requiresGrad: true }).requiresGrad).toBe(true);
    expect(() => bp.tensor({ length: -1 } as ArrayLike<number>)).toThrow(/^tensor: data's length must be a non-negative integer, got -1$/);
    expect(() => bp.tensor([1]).requiresGrad_('yes' as unknown as boolean)).toThrow(/^requiresGrad_: flag must be true or false, got "yes"$/);
  });
  it('an option the library does not have, or a boolean option holding something else, throws', async () => {
    // Each was ignored or read as true before, giving other numbers than asked for without a word.
    const p = () => [bp.zeros([2], { requiresGrad: true })];
    expect(() => new optim.Adam(p(), { capturable: true } as optim.AdamOptions)).toThrow(/^Adam: unknown option 'capturable' \(the options are lr, betas, eps, weightDecay, amsgrad, maximize\)$/);
    expect(() => new optim.SGD(p(), { lr: 0.1, maximize: 1 as unknown as boolean })).toThrow(/^SGD: option maximize must be true or false, got 1$/);
    expect(() => new optim.Adam([{ params: p(), amsgrad: 'no' as unknown as boolean }])).toThrow(/^Adam: option amsgrad must be true or false, got "no"$/);
    expect(() => new optim.SGD(p(), { lr: 0.1, momentun: 0.9 } as optim.SGDOptions)).toThrow(/^SGD: unknown option 'momentun'/);
    expect(() => new optim.RMSprop(p(), { centered: 1 as unknown as boolean })).toThrow(/^RMSprop: option centered must be true or false, got 1$/);
    expect(() => new optim.Adagrad(p(), { foreach: true } as optim.AdagradOptions)).toThrow(/^Adagrad: unknown option 'foreach'/);
    expect(() => bp.ones([2, 3]).var(0, { keepdim: true } as bp.VarianceOptions)).toThrow(/^var: unknown option 'keepdim' \(the options are unbiased, correction, keepDim\)$/);
    // A reduction's positional keepDim: 'no' kept the dimension, 0 dropped it.
    const yes = 'no' as unknown as boolean;
    expect(() => bp.ones([2, 3]).sum(0, yes)).toThrow(/^sum: keepDim must be true or false, got "no"$/);
    expect(() => bp.ones([2, 3]).mean(1, 0 as unknown as boolean)).toThrow(/^mean: keepDim must be true or false, got 0$/);
    expect(() => bp.ones([2, 3]).max(0, yes)).toThrow(/^max: keepDim must be true or false/);
    expect(() => bp.min(bp.ones([2, 3]), 0, null as unknown as boolean)).toThrow(/^min: keepDim must be true or false, got null$/);
    expect(() => bp.ones([2, 3]).argmax(1, yes)).toThrow(/^argmax: keepDim must be true or false/);
    expect(() => bp.argmin(bp.ones([2, 3]), 1, yes)).toThrow(/^argmin: keepDim must be true or false/);
    expect(() => bp.ones([2, 3]).logsumexp(1, yes)).toThrow(/^logsumexp: keepDim must be true or false/);
    expect(() => new nn.Linear(2, 2, { bias: 'no' as unknown as boolean })).toThrow(/^Linear: option bias must be true or false, got "no"$/);
    expect(() => new nn.BatchNorm1d(2, { trackRunningStats: 'no' as unknown as boolean })).toThrow(/^BatchNorm1d: option trackRunningStats must be true or false/);
    expect(() => new nn.MSELoss({ reduce: false } as nn.LossOptions)).toThrow(/^MSELoss: unknown option 'reduce' \(the options are reduction\)$/);
    expect(() => new nn.CrossEntropyLoss({ label_smoothing: 0.1 } as nn.CrossEntropyOptions)).toThrow(/^CrossEntropyLoss: unknown option 'label_smoothing'/);
    expect(() => new nn.Linear(2, 2).loadStateDict({}, { strict: 'no' as unknown as boolean })).toThrow(/^loadStateDict: option strict must be true or false/);
    const m = new nn.Sequential(new nn.Linear(2, 1));
    const data = { x: bp.zeros([4, 2]), y: bp.zeros([4, 1]) };
    const opts = { loss: new nn.MSELoss(), optimizer: new optim.SGD(m.parameters(), { lr: 0.1 }) };
    await expect(bp.fit(m, data, { ...opts, epoch: 3 } as bp.FitOptions)).rejects.toThrow(/^fit: unknown option 'epoch'/);
    await expect(bp.fit(m, data, { ...opts, shuffle: 'no' as unknown as boolean })).rejects.toThrow(/^fit: option shuffle must be true or false/);
    await expect(bp.fit(m, data, { ...opts, earlyStopping: { patience: 1, min_delta: 0 } as bp.EarlyStopping })).rejects.toThrow(/^fit: earlyStopping: unknown option 'min_delta'/);
    // Early stopping's values (-1 stopped after one epoch, a missing patience never stopped, valLoss
    // without validation data compared undefined), the signal, callbacks and seed: named by fit.
    const es = (e: unknown) => bp.fit(m, data, { ...opts, earlyStopping: e as bp.EarlyStopping });
    await expect(es({ patience: -1 })).rejects.toThrow(/^fit: earlyStopping.patience must be a non-negative integer, got -1$/);
    await expect(es({})).rejects.toThrow(/^fit: earlyStopping.patience must be a non-negative integer, got undefined$/);
    await expect(es({ patience: 2, minDelta: -0.1 })).rejects.toThrow(/^fit: earlyStopping.minDelta must be a non-negative number, got -0.1$/);
    await expect(es({ patience: 2, monitor: 'accuracy' }))
      .rejects.toThrow(/^fit: earlyStopping.monitor must be 'loss' or 'valLoss', got "accuracy"$/);
    await expect(es({ patience: 2, monitor: 'valLoss' })).rejects.toThrow(/^fit: earlyStopping monitors 'valLoss', which needs validationData$/);
    await expect(bp.fit(m, data, { ...opts, signal: 5 as unknown as AbortSignal })).rejects.toThrow(/^fit: signal must be an AbortSignal \(an AbortController's signal\), got 5$/);
    await expect(bp.fit(m, data, { ...opts, onEpochEnd: 'log' as unknown as () => void })).rejects.toThrow(/^fit: onEpochEnd must be a function, got "log"$/);
    await expect(bp.fit(m, data, { ...opts, seed: '7' as unknown as number })).rejects.toThrow(/^fit: seed must be a finite number, got "7"$/);
    // patience 0: the first epoch sets the mark, the second misses it and stops (as Keras).
    expect((await bp.fit(m, data, { ...opts, epochs: 5, earlyStopping: { patience: 0, monitor: 'loss', minDelta: 1e9 } })).loss).toHaveLength(2);
    // Left-out options (undefined) are fine, and so is a loss of the caller's own with options of its own.
    expect(new optim.Adam(p(), { lr: undefined, amsgrad: undefined }).lr).toBe(1e-3);
    class Scaled extends nn.Loss {
      readonly scale: number;
      constructor(o: nn.LossOptions & { scale: number }) { super(o); this.scale = o.scale; }
      forward(input: bp.Tensor): bp.Tensor { return input.sum().mul(this.scale); }
    }
    expect(new Scaled({ scale: 2 }).forward(bp.ones([3])).item()).toBe(6);
  });
  it('a Symbol passed as a number, a dim or a shape is shown in the message (building it threw before)', () => {
    // A random-call search found these failing with "Cannot convert a Symbol value to a string".
    const sym = Symbol('s') as unknown as number;
    expect(() => bp.randn([3, 2]).leakyRelu(sym)).toThrow(/leakyRelu: negativeSlope must be a finite number, got Symbol\(s\)/);
    expect(() => bp.randn([2, 3]).mean(sym)).toThrow(/mean: dim must be an integer, got Symbol\(s\)/);
    expect(() => bp.randn([4]).narrow(sym, 0, 1)).toThrow(/narrow: dim must be an integer, got Symbol\(s\)/);
    expect(() => bp.eye(2, sym)).toThrow(/eye: invalid shape \[2, Symbol\(s\)\]: dimensions must be non-negative integers/);
    expect(() => bp.manualSeed(sym)).toThrow(/manualSeed: seed must be a finite number, got Symbol\(s\)/);
    expect(() => new nn.Dropout(sym)).toThrow(/Dropout: p must be in \[0, 1\], got Symbol\(s\)/);
  });
  it('modules and clipping', () => {
    expect(() => new nn.Dropout(1.5)).toThrow(/Dropout: p must be in \[0, 1\], got 1.5/);
    expect(() => new nn.Linear(-1, 2)).toThrow(/Linear: inFeatures must be a non-negative integer, got -1/);
    expect(() => new nn.Linear(2, 1.5)).toThrow(/Linear: outFeatures must be a non-negative integer, got 1.5/);
    expect(() => bp.linear(bp.zeros([2, 3]), bp.zeros([3]), null)).toThrow(/linear: weight must be 2-D \[out, in\], got shape \[3\]/);
    expect(() => new nn.CrossEntropyLoss({ labelSmoothing: 2 })).toThrow(/labelSmoothing must be in \[0, 1\], got 2/);
    expect(() => new nn.MSELoss({ reduction: 'avg' as 'mean' })).toThrow(/reduction must be 'mean', 'sum' or 'none', got "avg"/);
    const noOptions = null as unknown as object;
    expect(() => new nn.MSELoss(noOptions)).toThrow(/MSELoss: options must be an object, got null/);
    expect(() => new nn.CrossEntropyLoss(noOptions)).toThrow(/CrossEntropyLoss: options must be an object, got null/);
    expect(() => new nn.BCEWithLogitsLoss('mean' as unknown as object)).toThrow(/BCEWithLogitsLoss: options must be an object, got "mean"/);
    expect(() => new nn.Linear(2, 2, noOptions)).toThrow(/Linear: options must be an object, got null/);
    expect(() => new nn.BatchNorm1d(2, [] as unknown as object)).toThrow(/BatchNorm1d: options must be an object, got \[\]/);
    expect(() => new nn.LayerNorm(2, noOptions)).toThrow(/LayerNorm: options must be an object, got null/);
    expect(() => new nn.Embedding(3, 2, noOptions)).toThrow(/Embedding: options must be an object, got null/);
    expect(() => new nn.Parameter([1, 2] as unknown as bp.Tensor)).toThrow(/Parameter: expected a Tensor, got \[1, 2\]/);
    expect(() => bp.clipGradNorm(p(), 0)).toThrow(/maxNorm must be positive, got 0/);
    expect(() => bp.clipGradValue(undefined as unknown as bp.Tensor[], 1)).toThrow(/clipGradValue: params must be an array/);
    expect(() => bp.clipGradNorm(['w'] as unknown as bp.Tensor[], 1)).toThrow(/clipGradNorm: parameter 0 is not a Tensor/);
    expect(() => bp.setNumThreads(0)).toThrow(/setNumThreads: n must be a positive integer, got 0/);
    expect(() => bp.manualSeed(Number.NaN)).toThrow(/manualSeed/);
  });
});

describe.runIf(nativeExpected())('the addon rejects bad calls with JavaScript errors', () => {
  const nat = () => loadNative().backend as unknown as Record<string, (...a: unknown[]) => unknown>;
  it('wrong types and lengths throw, naming the argument', () => {
    const f = new Float32Array(4);
    expect(() => nat().gemm(false, false, 2, 2, 2, 1, f, f, 0, new Float32Array(3), null, 0)).toThrow(/gemm: c has 3 elements, expected 4/);
    expect(() => nat().gemm(false, false, 2, 2, 2, 1, [1, 2, 3, 4], f, 0, f, null, 0)).toThrow(/gemm: argument 6 \(a\) must be a Float32Array/);
    expect(() => nat().gemm(false, false, -1, 2, 2, 1, f, f, 0, f, null, 0)).toThrow(/argument 2 \(m\) must be an integer/);
    expect(() => nat().gemm(false, false, 2, 2, 2, 1, f, f, 0, f, null, 0, new Float32Array(3), Unary.relu)).toThrow(/gemm: gate has 3 elements, expected 4/);
    expect(() => nat().gemm(false, false, 2, 2, 2, 1, f, f, 0, f, null, 0, f, Unary.exp)).toThrow(/gemm: argument 13 \(gateAct\) must be relu, sigmoid, tanh or gelu .*got 2/);
    expect(() => nat().pinThread(5000)).toThrow(/pinThread: argument 0 \(cpu\) must be an integer in \[-1, 1023\], got 5000/);
    expect(() => nat().pinThread('1')).toThrow(/pinThread: argument 0 \(cpu\) must be a number/);
    expect(() => nat().unary(99, f, f, 0)).toThrow(/unary: argument 0 \(op\)/);
    expect(() => nat().unary(1, f, new Float32Array(2), 0)).toThrow(/out has 2 elements, expected 4/);
    expect(() => nat().binary(0, f, Int32Array.of(1), f, Int32Array.of(1), new Float32Array(8), Int32Array.of(8))).toThrow(/binary: a has 4 elements but the strides reach offset 7/);
    expect(() => nat().binary(0, f, Int32Array.of(-1), f, Int32Array.of(1), f, Int32Array.of(4))).toThrow(/negative shape or stride/);
    expect(() => nat().reduce(0, f, 2, 3, 1, new Float32Array(2), null)).toThrow(/reduce: x has 4 elements, expected 6/);
    // A strided copy into strided places: they must stay inside out, and no two may meet (two threads
    // would race to write one element).
    const i32 = (...v: number[]) => Int32Array.from(v);
    expect(() => nat().stridedCopy(f, i32(2, 1), new Float32Array(4), i32(2, 2), i32(3, 1)))
      .toThrow(/stridedCopy: out has 4 elements but the strides reach offset 4/);
    expect(() => nat().stridedCopy(f, i32(2, 1), new Float32Array(8), i32(2, 2), i32(1, 1)))
      .toThrow(/stridedCopy: out strides make two indices write the same element \(stride 1 inside a reach of 2\)/);
    expect(() => nat().stridedCopy(f, i32(1), new Float32Array(8), i32(4), i32(0)))
      .toThrow(/out strides make two indices write the same element \(stride 0/);
    expect(() => nat().stridedCopy(f, i32(1), f, i32(4), Float32Array.of(1))).toThrow(/stridedCopy: argument 4 \(outStrides\) must be an Int32Array/);
    // An element count past 64 bits: wrapped, it could pass as an output's length while the kernel
    // walks the whole shape.
    const big = 2 ** 31 - 1;
    expect(() => nat().stridedCopy(new Float32Array(1), i32(0, 0, 0, 0, 0), f, i32(big, big, big, big, 4)))
      .toThrow(/stridedCopy: the shape has more elements than an array can hold/);
    expect(() => nat().crossEntropy(f, 2, 2, Int32Array.of(0, 5), null, 0, new Float32Array(2), f)).toThrow(/target class index 5 at row 1 is out of range \[0, 2\)/);
    expect(() => nat().optimStep({ kind: 1 }, [f], [f], [f], [f], [f])).toThrow(/optimStep: argument 0 \(hyper\) field 'lr' must be a number/);
    const hyper = { ...HYPER_DEFAULTS, kind: 1, lr: 0.1, step: 1 };
    expect(() => nat().optimStep(hyper, [f], [f], [f], [new Float32Array(3)], [f])).toThrow(/optimStep: s1\[0\] has 3 elements, expected 4/);
    expect(() => nat().optimStep(hyper, [f], [f, f], [f], [f], [f])).toThrow(/optimStep: grads has 2 entries, expected 1/);
    // Lists the optimizer kind never reads are not looked at (plain SGD reads no state): no error,
    // and the update is SGD's.
    const p = Float32Array.of(1, 2, 3, 4), g = Float32Array.of(1, 1, 1, 1);
    nat().optimStep({ ...hyper, kind: 0 }, [p], [g], ['not read' as unknown as Float32Array], [new Float32Array(3)], [f]);
    expect(Array.from(p)).toEqual([0.9, 1.9, 2.9, 3.9].map(Math.fround));
    expect(() => nat().optimStep(hyper, [f], [[1, 2, 3, 4] as unknown as Float32Array], [f], [f], [f])).toThrow(/optimStep: argument 2 \(grads\) entry 0 must be a Float32Array/);
    expect(() => nat().optimStep({ ...hyper, step: 0 }, [f], [f], [f], [f], [f])).toThrow(/hyper.step must be at least 1/);
    // The addon itself takes the hyperparameters packed (lib/backend/native.ts packs them).
    const addon = createRequire(__filename)(addonPath()) as { optimStep(...a: unknown[]): void };
    expect(() => addon.optimStep({ kind: 1 }, [f], [f], [f], [f], [f])).toThrow(/optimStep: argument 0 \(hyper\) must be a Float64Array/);
    expect(() => addon.optimStep(new Float64Array(3), [f], [f], [f], [f], [f])).toThrow(`optimStep: hyper has 3 fields, expected ${HYPER_FIELDS.length}`);
    expect(() => nat().gemm()).toThrow(/gemm: expected 12 arguments, got 0/);
    // gemmPair checks each product as gemm does, names which one, and refuses products that share
    // memory one of them writes (run at once on two threads, they would race).
    const product = (c: Float32Array, a = f): unknown[] => [false, false, 2, 2, 2, 1, a, f, 0, c, null, 0, null, 0];
    const c1 = new Float32Array(4), c2 = new Float32Array(4);
    expect(() => nat().gemmPair(product(c1), product(new Float32Array(3)))).toThrow(/gemmPair: second c has 3 elements, expected 4/);
    const halfK = product(c1);
    halfK[4] = 2.5;
    expect(() => nat().gemmPair(halfK, product(c2))).toThrow(/gemmPair: argument 4 \(first k\) must be an integer/);
    expect(() => nat().gemmPair(product(c1), product(c1))).toThrow(/gemmPair: the two products share memory that one of them writes/);
    expect(() => nat().gemmPair(product(c1), product(c2, c1))).toThrow(/gemmPair: the two products share memory/);
    expect(() => nat().gemmPair(product(c1, c2.subarray(0, 4)), product(c2))).toThrow(/gemmPair: the two products share memory/);
    expect(() => nat().gemmPair(product(c1))).toThrow(/gemmPair: each product must be a list of gemm's 14 arguments, got 14 arguments and undefined/);
    // gemmBatch checks each operand's length against the batch and refuses an output over an input.
    const ab = new Float32Array(2 * 2 * 3), bb = new Float32Array(2 * 3 * 2), cb = new Float32Array(2 * 2 * 2);
    expect(() => nat().gemmBatch(false, false, 2, 2, 2, 3, ab, bb, new Float32Array(7))).toThrow(/gemmBatch: c has 7 elements, expected 8/);
    expect(() => nat().gemmBatch(false, false, 2, 2, 2, 3, ab.subarray(1), bb, cb)).toThrow(/gemmBatch: a has 11 elements, expected 12/);
    expect(() => nat().gemmBatch(false, false, -1, 2, 2, 3, ab, bb, cb)).toThrow(/gemmBatch: argument 2 \(batch\) must be an integer/);
    const shared = new Float32Array(24);
    expect(() => nat().gemmBatch(false, false, 2, 2, 2, 3, shared.subarray(0, 12), shared.subarray(12), shared.subarray(4, 12))).toThrow(/gemmBatch: c \(argument 8\) shares memory with a or b/);
    expect(() => nat().gemmPair(product(c1).slice(0, 12), product(c2))).toThrow(/got 12 arguments and 14 arguments/);
    // linearChain checks every layer's arrays against dims, says which layer, and refuses a written
    // array over anything the chain reads or another writes.
    const w0 = new Float32Array(3 * 2), b0 = new Float32Array(3), w1 = new Float32Array(2 * 3), x2 = new Float32Array(2 * 2), y2 = new Float32Array(2 * 2);
    const hid = new Float32Array(2 * 3);
    const chainDims = Int32Array.of(2, 3, Unary.relu, 2, 0);
    nat().linearChain(2, x2, [w0, b0, w1, null], chainDims, hid, null, y2);
    expect(() => nat().linearChain(2, x2, [w0, b0, w1], chainDims, hid, null, y2)).toThrow(/linearChain: params must hold a weight and a bias \(or null\) for each of the 2 layers, got 3 entries/);
    expect(() => nat().linearChain(2, x2, [w0, b0, new Float32Array(5), null], chainDims, hid, null, y2)).toThrow(/linearChain: layer 1's weight has 5 elements, expected 2 x 3/);
    expect(() => nat().linearChain(2, x2, [w0, new Float32Array(2), w1, null], chainDims, hid, null, y2)).toThrow(/linearChain: layer 0's bias has 2 elements, expected 3/);
    expect(() => nat().linearChain(2, x2, [w0, 'b', w1, null], chainDims, hid, null, y2)).toThrow(/linearChain: argument 2 \(params\) entry 1 \(layer 0's bias\) must be a Float32Array or null/);
    expect(() => nat().linearChain(2, x2, [w0, b0, w1, null], Int32Array.of(2, 3, 6, 2), hid, null, y2)).toThrow(/linearChain: dims must hold in_0 and then out and act for each layer/);
    expect(() => nat().linearChain(2, x2, [w0, b0, w1, null], Int32Array.of(2, 3, 99, 2, 0), hid, null, y2)).toThrow(/linearChain: dims: layer 0's act must be a unary code/);
    expect(() => nat().linearChain(2, x2, [w0, b0, w1, null], Int32Array.of(2, 0, 0, 2, 0), hid, null, y2)).toThrow(/linearChain: dims: every width must be at least 1, got 0 at entry 1/);
    expect(() => nat().linearChain(2, x2, [w0, b0, w1, null], chainDims, new Float32Array(5), null, y2)).toThrow(/linearChain: hiddenA has 5 elements, fewer than rows times the widest hidden layer \(6\)/);
    expect(() => nat().linearChain(2, x2, [w0, b0, w1, null], chainDims, null, null, y2)).toThrow(/linearChain: argument 4 \(hiddenA\) must be a Float32Array/);
    expect(() => nat().linearChain(3, x2, [w0, b0, w1, null], chainDims, hid, null, y2)).toThrow(/linearChain: x has 4 elements, expected 6/);
    expect(() => nat().linearChain(0, x2, [w0, b0, w1, null], chainDims, hid, null, y2)).toThrow(/linearChain: argument 0 \(rows\) must be an integer in \[1, /);
    expect(() => nat().sumProducts(new Float32Array(4), new Float32Array(3))).toThrow(/sumProducts: y has 3 elements, expected 4/);
    expect(() => nat().sumProducts(new Float64Array(4), new Float32Array(4))).toThrow(/sumProducts: argument 0 \(x\) must be a Float32Array/);
    const over = new Float32Array(10);
    expect(() => nat().linearChain(2, over.subarray(0, 4), [w0, b0, w1, null], chainDims, over.subarray(3, 9), null, y2)).toThrow(/linearChain: x, the parameters, hiddenA, hiddenB and y must not share memory/);
    expect(() => nat().linearChain(2, x2, [w0, b0, w1, null], chainDims, hid, null, w1.subarray(0, 4))).toThrow(/must not share memory/);
    const rawPair = (createRequire(__filename)(addonPath()) as { gemmPair(...a: unknown[]): void }).gemmPair;
    expect(() => rawPair(...product(c1))).toThrow(/gemmPair: expected 28 arguments, got 14/);
    expect(() => nat().biasActGrad(Unary.gelu, f, f, f, 2, 2, null)).toThrow(/biasActGrad: act must be relu, sigmoid or tanh/);
    expect(() => nat().biasActGrad(Unary.relu, f, f, f, 2, 3, null)).toThrow(/biasActGrad: y has 4 elements, expected 6/);
    expect(() => nat().biasActGrad(Unary.relu, f, f, f, 2, 2, new Float32Array(3))).toThrow(/biasActGrad: gb has 3 elements, expected 2/);
  });
  it('a stream of bad calls leaves the process alive and the kernels correct', () => {
    for (let i = 0; i < 100; i++) expect(() => nat().axpy(1, new Float32Array(5), new Float32Array(4))).toThrow();
    expect(() => nat().clamp(new Float32Array(3), 0, 1, new Float32Array(2))).toThrow(/clamp: out has 2 elements, expected 3/);
    expect(() => nat().select(new Float32Array(3), new Float32Array(3), new Float32Array(2), new Float32Array(3))).toThrow(/select: b has 2 elements, expected 3/);
    const rows = new Float32Array(6);
    expect(() => nat().indexRows(rows, 1, 3, 2, Int32Array.of(0, 3), new Float32Array(4))).toThrow(/indexRows: index\[1\] = 3 is out of range \[0, 3\)/);
    expect(() => nat().indexRows(rows, 1, 3, 2, Int32Array.of(-1), new Float32Array(2))).toThrow(/indexRows: index\[0\] = -1 is out of range \[0, 3\)/);
    expect(() => nat().indexRows(rows, 1, 3, 2, Int32Array.of(1), new Float32Array(3))).toThrow(/indexRows: out has 3 elements, expected 2/);
    expect(() => nat().indexRows(rows, 1, 4, 2, Int32Array.of(1), new Float32Array(2))).toThrow(/indexRows: x has 6 elements, expected 8/);
    expect(() => nat().indexRowsGrad(new Float32Array(2), 1, 3, 2, Int32Array.of(7), rows, -1)).toThrow(/indexRowsGrad: index\[0\] = 7 is out of range \[0, 3\)/);
    expect(() => nat().indexRowsGrad(new Float32Array(2), 1, 3, 2, Int32Array.of(1), new Float32Array(5), -1)).toThrow(/indexRowsGrad: gx has 5 elements, expected 6/);
    expect(() => nat().indexRowsGrad(new Float32Array(2), 2 ** 30, 2 ** 30, 2 ** 30, Int32Array.of(1), rows, -1)).toThrow(/indexRowsGrad: outer \* len \* inner is too large/);
    expect(() => nat().indexRows(rows, 1, 3, 2, [0] as unknown as Int32Array, new Float32Array(2))).toThrow(/indexRows: argument 4 \(index\) must be an Int32Array/);
    // A 1x1x3x3 image, 2x2 windows at stride 1: 2x2 outputs, rows [4, 4].
    const geom = (...change: [number, number][]) => {
      const g = Int32Array.of(1, 1, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 2, 2);
      for (const [k, v] of change) g[k] = v;
      return g;
    };
    const img = new Float32Array(9);
    nat().imageRows(img, geom(), 0, 1, 0, new Float32Array(16)); // the good call, for contrast
    expect(() => nat().imageRows(img, geom(), 0, 1, 0, new Float32Array(15))).toThrow(/imageRows: rows has 15 elements, expected 16/);
    expect(() => nat().imageRows(new Float32Array(8), geom(), 0, 1, 0, new Float32Array(16))).toThrow(/imageRows: x has 8 elements, expected 9/);
    expect(() => nat().imageRows(img, geom(), 1, 1, 0, new Float32Array(16))).toThrow(/imageRows: channels c0 \+ cg = 2 exceed the geometry's c = 1/);
    expect(() => nat().imageRows(img, geom([6, 0]), 0, 1, 0, new Float32Array(16))).toThrow(/imageRows: geom's sh must be at least 1, got 0/);
    expect(() => nat().imageRows(img, geom([8, -1]), 0, 1, 0, new Float32Array(16))).toThrow(/imageRows: geom's ph must be at least 0, got -1/);
    expect(() => nat().imageRows(img, geom().subarray(1), 0, 1, 0, new Float32Array(16))).toThrow(/imageRows: geom has 13 elements, expected 14/);
    expect(() => nat().imageRows(img, geom([0, 2 ** 30], [1, 2 ** 30]), 0, 1, 0, img)).toThrow(/imageRows: geom's sizes are too large/);
    expect(() => nat().imageRows(img, [1, 1, 3, 3], 0, 1, 0, img)).toThrow(/imageRows: argument 1 \(geom\) must be an Int32Array/);
    expect(() => nat().imageRows(img, geom(), 0, 1, 'x', new Float32Array(16))).toThrow(/imageRows: argument 4 \(pad\) must be a number/);
    expect(() => nat().imageRowsGrad(new Float32Array(16), geom(), 0, 1, new Float32Array(10))).toThrow(/imageRowsGrad: gx has 10 elements, expected 9/);
    expect(() => nat().imageRowsGrad(new Float32Array(16), geom(), -1, 1, img)).toThrow(/imageRowsGrad: argument 2 \(c0\) must be an integer in \[0, /);
    nat().imageColumns(img, geom(), 0, 1, new Float32Array(16)); // the good call, for contrast
    expect(() => nat().imageColumns(img, geom(), 0, 1, new Float32Array(17))).toThrow(/imageColumns: cols has 17 elements, expected 16/);
    expect(() => nat().imageColumns(new Float32Array(10), geom(), 0, 1, new Float32Array(16))).toThrow(/imageColumns: x has 10 elements, expected 9/);
    expect(() => nat().imageColumns(img, geom(), 0, 2, new Float32Array(16))).toThrow(/imageColumns: channels c0 \+ cg = 2 exceed the geometry's c = 1/);
    expect(() => nat().imageColumns(img, geom([11, 0]), 0, 1, new Float32Array(16))).toThrow(/imageColumns: geom's dw must be at least 1, got 0/);
    expect(() => nat().imageColumns(img, geom(), 0, 1, new Int32Array(16))).toThrow(/imageColumns: argument 4 \(cols\) must be a Float32Array/);
    expect(() => nat().imageColumnsGrad(new Float32Array(16), geom(), 0, 1, new Float32Array(8))).toThrow(/imageColumnsGrad: gx has 8 elements, expected 9/);
    expect(() => nat().imageColumnsGrad(new Float32Array(15), geom(), 0, 1, img)).toThrow(/imageColumnsGrad: cols has 15 elements, expected 16/);
    expect(() => nat().imageColumnsGrad(new Float32Array(16), geom(), 0, 1)).toThrow(/imageColumnsGrad: expected 5 arguments, got 4/);
    // gemmWindows(transA, transB, m, n, k, alpha, a, x, geom, c0, cg, beta, c): geom()'s windows are
    // [1 x 2 x 2, 2 x 2] = [4, 4]: a 3 x 4 times them, or a 3 x 4 times their transpose.
    const [a34, c34] = [new Float32Array(12), new Float32Array(12)];
    nat().gemmWindows(false, false, 3, 4, 4, 1, a34, img, geom(), 0, 1, 0, c34); // the good call, for contrast
    nat().gemmWindows(true, true, 3, 4, 4, 1, a34, img, geom(), 0, 1, 0, c34);
    expect(() => nat().gemmWindows(false, false, 3, 5, 4, 1, new Float32Array(12), img, geom(), 0, 1, 0, new Float32Array(15)))
      .toThrow(/gemmWindows: the windows are \[cg kh kw, oh ow\] = \[4, 4\], so op\(B\) is \[4, 4\], but k x n is 4 x 5/);
    expect(() => nat().gemmWindows(false, false, 3, 4, 4, 1, a34, img, geom([0, 2]), 0, 1, 0, c34)).toThrow(/gemmWindows: geom's n must be 1 \(the windows of one image\), got 2/);
    expect(() => nat().gemmWindows(false, false, 3, 4, 4, 1, a34, img, geom(), 1, 1, 0, c34)).toThrow(/gemmWindows: channels c0 \+ cg = 2 exceed the geometry's c = 1/);
    expect(() => nat().gemmWindows(false, false, 3, 4, 4, 1, a34, new Float32Array(8), geom(), 0, 1, 0, c34)).toThrow(/gemmWindows: x has 8 elements, expected 9/);
    expect(() => nat().gemmWindows(false, false, 3, 4, 4, 1, a34, img, geom(), 0, 1, 0, new Float32Array(11))).toThrow(/gemmWindows: c has 11 elements, expected 12/);
    const shared = new Float32Array(21);
    expect(() => nat().gemmWindows(false, false, 3, 4, 4, 1, a34, shared.subarray(12), geom(), 0, 1, 0, shared.subarray(0, 12)))
      .not.toThrow();
    expect(() => nat().gemmWindows(false, false, 3, 4, 4, 1, a34, shared.subarray(11, 20), geom(), 0, 1, 0, shared.subarray(0, 12)))
      .toThrow(/gemmWindows: c must not overlap a or x/);
    expect(() => nat().gemmWindows(false, false, 3, 4, 4, 1, a34, img, geom(), 0, 1, 0)).toThrow(/gemmWindows: expected 13 or 14 arguments, got 12/);
    // gridSample(x, grid, out, dims, mode, padding, align): a 1x1x3x3 image at 2x2 points.
    const dims = Int32Array.of(1, 1, 3, 3, 2, 2), pts = new Float32Array(8);
    nat().gridSample(img, pts, new Float32Array(4), dims, 0, 0, false); // the good call, for contrast
    expect(() => nat().gridSample(img, pts, new Float32Array(3), dims, 0, 0, false)).toThrow(/gridSample: out has 3 elements, expected 4/);
    expect(() => nat().gridSample(img, new Float32Array(6), new Float32Array(4), dims, 0, 0, false)).toThrow(/gridSample: grid has 6 elements, expected 8/);
    expect(() => nat().gridSample(img, pts, new Float32Array(4), Int32Array.of(1, 1, 0, 3, 2, 2), 0, 0, false)).toThrow(/gridSample: dims' h must be at least 1, got 0/);
    expect(() => nat().gridSample(img, pts, new Float32Array(4), dims.subarray(1), 0, 0, false)).toThrow(/gridSample: dims has 5 elements, expected 6/);
    expect(() => nat().gridSample(img, pts, new Float32Array(4), dims, 2, 0, false)).toThrow(/gridSample: argument 4 \(mode\) must be an integer in \[0, 1\]/);
    expect(() => nat().gridSample(img, pts, new Float32Array(4), dims, 0, 3, false)).toThrow(/gridSample: argument 5 \(padding\) must be an integer in \[0, 2\]/);
    expect(() => nat().gridSample(img, pts, new Float32Array(4), dims, 0, 0, 1 as unknown as boolean)).toThrow(/gridSample: argument 6 \(alignCorners\) must be a boolean/);
    expect(() => nat().gridSample(img, pts, new Float32Array(4), Int32Array.of(2 ** 30, 2 ** 30, 1, 1, 1, 1), 0, 0, false)).toThrow(/gridSample: dims' sizes are too large/);
    expect(() => nat().gridSampleGrad(new Float32Array(4), img, pts, dims, 0, 0, false, new Float32Array(8), null)).toThrow(/gridSampleGrad: gx has 8 elements, expected 9/);
    expect(() => nat().gridSampleGrad(new Float32Array(4), img, pts, dims, 0, 0, false, null, new Float32Array(7))).toThrow(/gridSampleGrad: ggrid has 7 elements, expected 8/);
    expect(() => nat().gridSampleGrad(new Float32Array(5), img, pts, dims, 0, 0, false, null, null)).toThrow(/gridSampleGrad: gy has 5 elements, expected 4/);
    expect(() => nat().maxPool2d(img, geom(), new Float32Array(4), new Int32Array(3))).toThrow(/maxPool2d: indices has 3 elements, expected 4/);
    expect(() => nat().maxPool2d(img, geom(), new Float32Array(5), new Int32Array(4))).toThrow(/maxPool2d: out has 5 elements, expected 4/);
    expect(() => nat().maxPool2d(img, geom([0, 2 ** 12], [1, 2 ** 12], [2, 2 ** 7]), new Float32Array(4), new Int32Array(4))).toThrow(/maxPool2d: x has more than 2\^31 - 1 elements \(geom's n \* c \* h \* w\)/);
    // maxPool3d: the same geometry one slice deep (depth 1, kernel 1), and its own checks.
    const deep = (over: number[] = []) => { const v = Int32Array.of(1, 1, 1, 0, 1, 1); for (let i = 0; i < over.length; i += 2) v[over[i]] = over[i + 1]; return v; };
    nat().maxPool3d(img, geom(), deep(), new Float32Array(4), new Int32Array(4)); // the good call, for contrast
    expect(() => nat().maxPool3d(img, geom(), deep().subarray(1), new Float32Array(4), new Int32Array(4))).toThrow(/maxPool3d: depthGeom has 5 elements, expected 6/);
    expect(() => nat().maxPool3d(img, geom(), deep([1, 0]), new Float32Array(4), new Int32Array(4))).toThrow(/maxPool3d: depthGeom's kd must be at least 1, got 0/);
    expect(() => nat().maxPool3d(img, geom(), deep([3, -1]), new Float32Array(4), new Int32Array(4))).toThrow(/maxPool3d: depthGeom's pd must be at least 0, got -1/);
    expect(() => nat().maxPool3d(img, geom(), deep([0, 2]), new Float32Array(4), new Int32Array(4))).toThrow(/maxPool3d: x has \d+ elements, expected 18/);
    expect(() => nat().maxPool3d(img, geom(), deep([5, 2]), new Float32Array(4), new Int32Array(4))).toThrow(/maxPool3d: out has 4 elements, expected 8/);
    expect(() => nat().maxPool3d(img, geom(), deep(), new Float32Array(4), new Int32Array(5))).toThrow(/maxPool3d: indices has 5 elements, expected 4/);
    expect(() => nat().maxPool3d(img, geom([0, 2 ** 12], [1, 2 ** 12]), deep([0, 2 ** 8]), new Float32Array(4), new Int32Array(4))).toThrow(/maxPool3d: x has more than 2\^31 - 1 elements \(geom's n \* c \* h \* w times depthGeom's d\)/);
    nat().depthwiseConv2d(img, geom(), 2, new Float32Array(8), new Float32Array(8)); // the good call, for contrast
    expect(() => nat().depthwiseConv2d(img, geom(), 2, new Float32Array(7), new Float32Array(8))).toThrow(/depthwiseConv2d: weight has 7 elements, expected 8/);
    expect(() => nat().depthwiseConv2d(img, geom(), 2, new Float32Array(8), new Float32Array(4))).toThrow(/depthwiseConv2d: out has 4 elements, expected 8/);
    expect(() => nat().depthwiseConv2d(img, geom(), 0, new Float32Array(8), new Float32Array(8))).toThrow(/depthwiseConv2d: argument 2 \(multiplier\) must be an integer in \[1, /);
    expect(() => nat().depthwiseConv2d(img, geom([12, 2 ** 12], [13, 2 ** 12]), 2 ** 30, new Float32Array(8), new Float32Array(8))).toThrow(/depthwiseConv2d: geom's sizes are too large/);
    expect(() => nat().depthwiseConv2dGradInput(new Float32Array(8), geom(), 2, new Float32Array(8), new Float32Array(8))).toThrow(/depthwiseConv2dGradInput: gx has 8 elements, expected 9/);
    expect(() => nat().depthwiseConv2dGradWeight(new Float32Array(7), img, geom(), 2, new Float32Array(8))).toThrow(/depthwiseConv2dGradWeight: gy has 7 elements, expected 8/);
    expect(() => nat().depthwiseConv2dGradWeight(new Float32Array(8), img, geom(), 2, new Float32Array(9))).toThrow(/depthwiseConv2dGradWeight: gw has 9 elements, expected 8/);
    const i32 = (...v: number[]) => Int32Array.from(v);
    const f4 = () => new Float32Array(4);
    expect(() => nat().gather(f4(), f4(), i32(2, 2), i32(2, 1), 0, f4(), null)).toThrow(/gather: indexShape\[1\] = 2 is larger than xShape's 1/);
    expect(() => nat().gather(f4(), f4(), i32(2, 2), i32(2, 2, 1), 0, f4(), null)).toThrow(/gather: indexShape and xShape must have the same number of dimensions/);
    expect(() => nat().gather(f4(), f4(), i32(2, 2), i32(2, 2), 2, f4(), null)).toThrow(/gather: argument 4 \(dim\) must be an integer in \[0, 1\]/);
    expect(() => nat().gather(f4(), new Float32Array(3), i32(2, 2), i32(2, 2), 0, f4(), null)).toThrow(/gather: index has 3 elements, expected 4/);
    expect(() => nat().gather(new Float32Array(3), f4(), i32(2, 2), i32(2, 2), 0, f4(), null)).toThrow(/gather: x has 3 elements, expected 4/);
    expect(() => nat().gather(f4(), f4(), i32(2, 2), i32(2, 2), 0, new Float32Array(3), null)).toThrow(/gather: out has 3 elements, expected 4/);
    expect(() => nat().gather(f4(), f4(), i32(2, 2), i32(2, 2), 0, f4(), new Int32Array(3))).toThrow(/gather: where must have as many elements as index/);
    expect(() => nat().gather(f4(), f4(), i32(2, 2), i32(2, 2), 0, f4(), f4() as unknown as Int32Array)).toThrow(/gather: argument 6 \(where\) must be an Int32Array/);
    expect(() => nat().gather(new Float32Array(1), new Float32Array(1), i32(1, 1), i32(65536, 65536), 0, new Float32Array(1), null)).toThrow(/gather: x has more than 2\^31 - 1 elements/);
    const f = (n: number) => new Float32Array(n);
    expect(() => nat().lstmCell(f(8), f(2), 1, 2, f(8), f(2), f(2), f(1))).toThrow(/lstmCell: hOut has 1 elements, expected 2/);
    expect(() => nat().lstmCell(f(8), f(2), 1, -2, f(8), f(2), f(2), f(2))).toThrow(/lstmCell: argument 3 \(h\) must be an integer in \[0, 2147483647\], got -2/);
    expect(() => nat().lstmCell(f(1), f(1), 65536, 65536, f(1), f(1), f(1), f(1))).toThrow(/lstmCell: rows \* 4 \* h is past 2\^31 - 1/);
    expect(() => nat().lstmCellGrad(f(8), f(2), f(2), f(2), f(3), 1, 2, f(8), f(2))).toThrow(/lstmCellGrad: gc has 3 elements, expected 2/);
    expect(() => nat().lstmCellGrad(f(8), f(2), f(2), f(2), new Int32Array(2) as unknown as Float32Array, 1, 2, f(8), f(2))).toThrow(/lstmCellGrad: argument 4 \(gc\) must be a Float32Array/);
    expect(() => nat().gruCell(f(6), f(6), f(2), 1, 2, f(5), f(2))).toThrow(/gruCell: act has 5 elements, expected 6/);
    expect(() => nat().gruCellGrad(f(6), f(6), f(2), f(2), 1, 2.5, f(6), f(6), f(2))).toThrow(/gruCellGrad: argument 5 \(h\) must be an integer/);
    const y = new Float32Array([1, 2]);
    nat().axpy(2, new Float32Array([1, 1]), y);
    expect(Array.from(y)).toEqual([3, 4]);
  });
});

describe('without the addon', () => {
  it('an unknown BACKPROP_ISA is named in the fallback warning, and the reference backend runs', () => {
    const script = `
      const bp = require(${JSON.stringify(path.resolve(__dirname, '..', 'lib', 'index.ts'))});
      console.log('backend=' + bp.getBackend());
      console.log('sum=' + bp.tensor([1, 2, 3]).sum().item());
    `;
    const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], {
      env: { ...process.env, BACKPROP_ISA: 'sse9', BACKPROP_QUIET: '' }, encoding: 'utf8',
    });
    expect(r.stdout).toContain('backend=reference');
    expect(r.stdout).toContain('sum=6');
    expect(r.stderr).toContain("BACKPROP_ISA must be one of generic, avx2, avx512 (the widest kernel set to use), got 'sse9'");
    // Empty is unset: the addon loads with its widest set.
    const empty = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], {
      env: { ...process.env, BACKPROP_ISA: '', BACKPROP_QUIET: '' }, encoding: 'utf8',
    });
    expect(empty.stderr).not.toContain('BACKPROP_ISA');
    expect(empty.stdout).toContain(nativeExpected() ? 'backend=native' : 'backend=reference');
  });

  it('setBackend("native") names the build command, and the default falls back with one warning', () => {
    const script = `
      const bp = require(${JSON.stringify(path.resolve(__dirname, '..', 'lib', 'index.ts'))});
      console.log('backend=' + bp.getBackend() + ' kernels=' + bp.nativeKernelSet());
      try { bp.setBackend('native'); } catch (e) { console.log('error=' + e.message); }
      console.log('sum=' + bp.tensor([1, 2, 3]).sum().item());
    `;
    const tsx = require.resolve('tsx/cjs');
    const r = spawnSync(process.execPath, ['--require', tsx, '-e', script], {
      env: { ...process.env, BACKPROP_DISABLE_NATIVE: '1', BACKPROP_QUIET: '' }, encoding: 'utf8',
    });
    expect(r.stdout).toContain('backend=reference kernels=null');
    expect(r.stdout).toMatch(/error=setBackend\('native'\): the native addon is not available .* Build it with `npm run build:native`/);
    expect(r.stdout).toContain('sum=6');
    const warnings = r.stderr.split('\n').filter((l) => l.includes('backprop: warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('npm run build:native');
  });
});
