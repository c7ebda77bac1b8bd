// Data and checkpoints: IDX parsing and validation, Fashion-MNIST, safetensors round trips, atomic
// writes, training resumed from a checkpoint, and PyTorch reading our file.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { data, nn, optim } from '../lib/index';
import { FASHION_MNIST_DIR } from '../lib/data';
import { haveTorch, noteIfNoTorch, PYTHON as PY } from './helpers/torch';
import { scratchDir } from './helpers/scratch';

const tmp = scratchDir('backprop-io-');

function idx(type: number, shape: number[], values: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * shape.length);
  head[2] = type;
  head[3] = shape.length;
  shape.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(values)]);
}

describe('readIdx', () => {
  it('reads plain and gzip files', () => {
    const buf = idx(0x08, [2, 3], [1, 2, 3, 4, 5, 255]);
    fs.writeFileSync(path.join(tmp, 'a.idx'), buf);
    fs.writeFileSync(path.join(tmp, 'a.idx.gz'), zlib.gzipSync(buf));
    for (const f of ['a.idx', 'a.idx.gz']) {
      const t = data.readIdx(path.join(tmp, f));
      expect(t.shape).toEqual([2, 3]);
      expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 255]]);
    }
  });
  it('validates the header and the size', () => {
    fs.writeFileSync(path.join(tmp, 'bad1'), Buffer.from([1, 2, 3, 4]));
    expect(() => data.readIdx(path.join(tmp, 'bad1'))).toThrow(/not an IDX file/);
    fs.writeFileSync(path.join(tmp, 'bad2'), idx(0x08, [4], [1, 2]));
    expect(() => data.readIdx(path.join(tmp, 'bad2'))).toThrow(/should hold 4 values of 1 byte\(s\).*has 2 bytes/);
    fs.writeFileSync(path.join(tmp, 'bad3'), idx(0x07, [1], [1]));
    expect(() => data.readIdx(path.join(tmp, 'bad3'))).toThrow(/unknown element type 0x7/);
    expect(() => data.readIdx(path.join(tmp, 'missing'))).toThrow(/cannot read '.*missing': ENOENT/);
    fs.writeFileSync(path.join(tmp, 'bad4.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    expect(() => data.readIdx(path.join(tmp, 'bad4.gz'))).toThrow(/readIdx: '.*bad4\.gz' starts like gzip but does not decompress/);
    expect(() => data.fashionMnist(5 as unknown as string)).toThrow(/fashionMnist: dir must be a directory path \(a string\), got number/);
  });
  it('fashionMnist says which path is missing and which package provides it', () => {
    expect(() => data.fashionMnist(tmp)).toThrow(/train-images-idx3-ubyte.*not found.*apt-get install dataset-fashion-mnist/);
  });
});

const haveFashion = fs.existsSync(path.join(FASHION_MNIST_DIR, 'train-labels-idx1-ubyte.gz'));
if (!haveFashion) console.log(`skipping the Fashion-MNIST test: ${FASHION_MNIST_DIR} is absent (apt-get install dataset-fashion-mnist)`);
describe.runIf(haveFashion)('Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  it('loads 60k + 10k images scaled to [0, 1] with labels 0-9', () => {
    const d = data.fashionMnist();
    expect(d.train.x.shape).toEqual([60000, 784]);
    expect(d.test.x.shape).toEqual([10000, 784]);
    expect(d.train.y.shape).toEqual([60000]);
    let mx = 0;
    for (const v of d.train.x.data) mx = Math.max(mx, v);
    expect(mx).toBe(1);
    const counts = new Array(10).fill(0);
    for (const v of d.test.y.data) counts[v]++;
    expect(counts).toEqual(new Array(10).fill(1000));
  });
});

describe('safetensors and checkpoints', () => {
  it('writes the documented layout and reads it back', () => {
    const f = path.join(tmp, 'raw.safetensors');
    bp.writeSafetensors(f, { a: bp.tensor([[1, 2], [3, 4]]), b: bp.tensor(5) }, { note: 'hi' });
    const buf = fs.readFileSync(f);
    const n = Number(buf.readBigUInt64LE(0));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(buf.subarray(8, 8 + n).toString());
    expect(header.a).toEqual({ dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] });
    expect(header.__metadata__).toEqual({ note: 'hi' });
    const r = bp.readSafetensors(f);
    expect(r.tensors.a.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(r.tensors.b.shape).toEqual([]);
    expect(r.metadata.note).toBe('hi');
    fs.writeFileSync(path.join(tmp, 'trunc.safetensors'), buf.subarray(0, buf.length - 4));
    expect(() => bp.readSafetensors(path.join(tmp, 'trunc.safetensors'))).toThrow(/offsets .* do not fit/);
    expect(fs.readdirSync(tmp).filter((x) => x.endsWith('.tmp'))).toEqual([]);
    // An offset before the data, and a directory, are named.
    const neg = Buffer.from(JSON.stringify({ a: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(neg.length));
    fs.writeFileSync(path.join(tmp, 'neg.safetensors'), Buffer.concat([len, neg, Buffer.alloc(8)]));
    expect(() => bp.readSafetensors(path.join(tmp, 'neg.safetensors'))).toThrow(/'a' has offsets \[-4, 0\] that do not fit/);
    expect(() => bp.readSafetensors(tmp)).toThrow(/readSafetensors: cannot read '.*': EISDIR/);
  });

  it('large tensors are written from and read into their storage: the same bits, each its own copy', () => {
    // Sizes past the pool's and the slabs' limits, odd ones, and an empty tensor, with a few NaN
    // payloads and -0 (bits, not values, compared).
    const sizes = [1, 1023, 1025, 70000, 300001, 0];
    const dict: Record<string, bp.Tensor> = {};
    sizes.forEach((n, i) => {
      const d = Float32Array.from({ length: n }, (_, k) => Math.sin(k * 0.37 + i) * 1e3);
      if (n > 3) { d[1] = -0; new Uint32Array(d.buffer)[2] = 0x7fc01234; }
      dict[`t${i}`] = bp.tensor(d, { shape: [n] });
    });
    const f = path.join(tmp, 'large.safetensors');
    bp.writeSafetensors(f, dict);
    const back = bp.readSafetensors(f).tensors;
    sizes.forEach((_, i) => {
      const [a, b] = [dict[`t${i}`].toFloat32Array(), back[`t${i}`].toFloat32Array()];
      expect(Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength)), `t${i}`).toBe(true);
    });
    // Each read is storage of its own: writing it changes neither the saved tensor nor another read.
    const again = bp.readSafetensors(f).tensors;
    for (const k of ['t0', 't1', 't2', 't3', 't4']) {
      const before = [dict[k].data[0], again[k].data[0]];
      back[k].data[0] = 12345;
      expect([dict[k].data[0], again[k].data[0]], k).toEqual(before);
    }
  });

  it('reads every safetensors dtype as float32, as PyTorch writes them (an I64 counter, F16 and BF16 weights)', () => {
    // A file built byte by byte: each tensor's little-endian values after the JSON header.
    const parts: [string, string, number[], Buffer][] = [];
    const le = (width: number, n: number, put: (b: Buffer, i: number) => void) => { const b = Buffer.alloc(width * n); for (let i = 0; i < n; i++) put(b, i); return b; };
    // F16 bit patterns: 1, -2, 65504, the smallest normal and subnormal, -0, +inf, NaN.
    const half = [0x3c00, 0xc000, 0x7bff, 0x0400, 0x0001, 0x8000, 0x7c00, 0x7e00];
    parts.push(['h', 'F16', [2, 4], le(2, 8, (b, i) => b.writeUInt16LE(half[i], 2 * i))]);
    // BF16: the top halves of 1.5, -3.140625 and 3.3895e38.
    const brain = [0x3fc0, 0xc049, 0x7f7f];
    parts.push(['bf', 'BF16', [3], le(2, 3, (b, i) => b.writeUInt16LE(brain[i], 2 * i))]);
    const i64 = [5n, -7n, 2n ** 40n];
    parts.push(['n', 'I64', [3], le(8, 3, (b, i) => b.writeBigInt64LE(i64[i], 8 * i))]);
    parts.push(['u8', 'U8', [2], Buffer.from([0, 255])]);
    parts.push(['flag', 'BOOL', [3], Buffer.from([0, 1, 2])]);
    // F32 copied as bytes, here from an odd offset (after 2 + 3 one-byte values).
    parts.push(['f', 'F32', [3], le(4, 3, (b, i) => b.writeFloatLE([0.1, -2.5e-39, 3e38][i], 4 * i))]);
    parts.push(['i32', 'I32', [2], le(4, 2, (b, i) => b.writeInt32LE([-(2 ** 31), 123][i], 4 * i))]);
    parts.push(['i16', 'I16', [3], le(2, 3, (b, i) => b.writeInt16LE([-32768, 7, 32767][i], 2 * i))]);
    parts.push(['d', 'F64', [1], le(8, 1, (b) => b.writeDoubleLE(0.1, 0))]);
    const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
    let at = 0;
    for (const [name, dtype, shape, data] of parts) { header[name] = { dtype, shape, data_offsets: [at, at + data.length] }; at += data.length; }
    const json = Buffer.from(JSON.stringify(header));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    const f = path.join(tmp, 'dtypes.safetensors');
    fs.writeFileSync(f, Buffer.concat([len, json, ...parts.map((p) => p[3])]));
    const t = bp.readSafetensors(f).tensors;
    expect(t.h.shape).toEqual([2, 4]);
    const h = Array.from(t.h.toFloat32Array());
    expect(h.slice(0, 5)).toEqual([1, -2, 65504, 2 ** -14, 2 ** -24]);
    expect(Object.is(h[5], -0)).toBe(true);
    expect(h[6]).toBe(Infinity);
    expect(Number.isNaN(h[7])).toBe(true);
    expect(Array.from(t.bf.toFloat32Array())).toEqual([1.5, -3.140625, Math.fround(3.3895313892515355e38)]);
    expect(Array.from(t.n.toFloat32Array())).toEqual([5, -7, 2 ** 40]);
    expect(Array.from(t.u8.toFloat32Array())).toEqual([0, 255]);
    expect(Array.from(t.flag.toFloat32Array())).toEqual([0, 1, 1]);
    expect(Array.from(t.i32.toFloat32Array())).toEqual([-(2 ** 31), 123]);
    expect(Array.from(t.i16.toFloat32Array())).toEqual([-32768, 7, 32767]);
    expect(Array.from(t.f.toFloat32Array())).toEqual([0.1, -2.5e-39, 3e38].map(Math.fround));
    expect(Array.from(t.d.toFloat32Array())).toEqual([Math.fround(0.1)]);
    // A dtype not read here (the format's 8-bit floats, or a made-up one) is named, with those that are.
    header.h = { dtype: 'F8_E9', shape: [2, 4], data_offsets: [0, 16] };
    const bad = Buffer.from(JSON.stringify(header));
    len.writeBigUInt64LE(BigInt(bad.length));
    fs.writeFileSync(f, Buffer.concat([len, bad, ...parts.map((p) => p[3])]));
    expect(() => bp.readSafetensors(f)).toThrow(/'h' has dtype F8_E9; the dtypes read are F64, F32, F16, BF16/);
    // A shape that is not a list of non-negative integers (here -2 x -4, whose product fits the bytes).
    header.h = { dtype: 'F16', shape: [-2, -4], data_offsets: [0, 16] };
    const badShape = Buffer.from(JSON.stringify(header));
    len.writeBigUInt64LE(BigInt(badShape.length));
    fs.writeFileSync(f, Buffer.concat([len, badShape, ...parts.map((p) => p[3])]));
    expect(() => bp.readSafetensors(f)).toThrow(/'h' has shape \[-2,-4\]; a shape is a list of non-negative integers/);
  });

  it('a failed write leaves the previous file in place', () => {
    const f = path.join(tmp, 'keep.safetensors');
    bp.writeSafetensors(f, { a: bp.ones([3]) });
    const before = fs.readFileSync(f);
    expect(() => bp.writeSafetensors(f, { a: bp.ones([3]), b: 'not a tensor' as unknown as bp.Tensor })).toThrow(/'b' is not a Tensor/);
    expect(fs.readFileSync(f).equals(before)).toBe(true);
    // Errors name the file asked for (not the temporary one), and no temporary file is left.
    expect(() => bp.save(new nn.Linear(2, 2), path.join(tmp, 'nope', 'm.safetensors'))).toThrow(/writeSafetensors: cannot write '.*nope\/m\.safetensors': ENOENT/);
    const dir = path.join(tmp, 'a-directory');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'inside'), 'x');
    expect(() => bp.writeSafetensors(dir, { a: bp.ones([3]) })).toThrow(/writeSafetensors: cannot write '.*a-directory': E[A-Z]+/);
    expect(fs.readdirSync(tmp).filter((x) => x.endsWith('.tmp'))).toEqual([]);
  });

  it('save/load rebuilds the architecture and the outputs match', () => {
    bp.manualSeed(9);
    const m = new nn.Sequential(new nn.Linear(5, 8), new nn.BatchNorm1d(8), new nn.GELU(), new nn.Dropout(0.1), new nn.Linear(8, 3), new nn.LogSoftmax(1));
    m.forward(bp.randn([6, 5]));
    m.eval();
    const f = path.join(tmp, 'model.safetensors');
    bp.save(m, f);
    const m2 = bp.load(f);
    m2.eval();
    const x = bp.randn([4, 5]);
    expect(Array.from(m2.forward(x).data)).toEqual(Array.from(m.forward(x).data));
    expect(Object.keys(m2.stateDict())).toEqual(Object.keys(m.stateDict()));
  });

  it('load draws nothing from the random stream (as torch.load), also when it fails; layers made after it are random again', () => {
    bp.manualSeed(3);
    const m = new nn.Sequential(new nn.Linear(6, 5), new nn.ReLU(), new nn.Embedding(4, 3), new nn.Linear(3, 2));
    const f = path.join(tmp, 'rng.safetensors');
    bp.save(m, f);
    const bad = path.join(tmp, 'rng-bad.safetensors');
    // The same architecture, which builds, without one weight: loadStateDict throws after the build.
    const saved = bp.readSafetensors(f);
    delete saved.tensors['0.weight'];
    bp.writeSafetensors(bad, saved.tensors, saved.metadata);
    const draws = (load: () => void) => {
      bp.manualSeed(11);
      load();
      return Array.from(bp.rand([4]).data);
    };
    const untouched = draws(() => undefined);
    expect(draws(() => bp.load(f))).toEqual(untouched);
    expect(() => bp.load(bad)).toThrow(/missing keys \[0\.weight\]/);
    expect(draws(() => expect(() => bp.load(bad)).toThrow())).toEqual(untouched);
    const loaded = bp.load(f);
    for (const [k, t] of Object.entries(m.stateDict())) expect(Array.from(loaded.stateDict()[k].data)).toEqual(Array.from(t.data));
    // Initialisation is back on after a load whose build threw (an unknown layer after a Linear).
    const broken = path.join(tmp, 'rng-broken.safetensors');
    const layers = [{ type: 'Linear', inFeatures: 6, outFeatures: 5, bias: true }, { type: 'Nope' }];
    bp.writeSafetensors(broken, saved.tensors, { format: 'backprop-1', architecture: JSON.stringify({ type: 'Sequential', layers }) });
    expect(() => bp.load(broken)).toThrow(/unknown layer type 'Nope'/);
    expect(new nn.Linear(6, 5).weight.data.some((v) => v !== 0)).toBe(true);
  });

  it('BatchNorm1d without running statistics, or with a cumulative average (momentum null), comes back as it was saved', () => {
    bp.manualSeed(10);
    const m = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4, { trackRunningStats: false }), new nn.BatchNorm1d(4, { momentum: null }));
    m.forward(bp.randn([6, 3]));
    m.eval();
    const f = path.join(tmp, 'batchnorm-kinds.safetensors');
    bp.save(m, f);
    const m2 = bp.load(f) as nn.Sequential;
    m2.eval();
    expect(String(m2)).toBe(String(m));
    const x = bp.randn([5, 3]);
    expect(Array.from(m2.forward(x).data)).toEqual(Array.from(m.forward(x).data));
  });

  it('a layer used twice (also inside a nested Sequential) is loaded as one layer used twice', () => {
    const shared = new nn.Linear(3, 3);
    const block = new nn.Sequential(shared, new nn.Tanh());
    const m = new nn.Sequential(block, shared, new nn.ReLU(), block, new nn.Linear(3, 2));
    const f = path.join(tmp, 'tied.safetensors');
    bp.save(m, f);
    const m2 = bp.load(f) as nn.Sequential;
    const x = bp.randn([4, 3]);
    expect(Array.from(m2.forward(x).data)).toEqual(Array.from(m.forward(x).data));
    expect(m2.parameters()).toHaveLength(m.parameters().length);
    expect(m2.layers[1]).toBe((m2.layers[0] as nn.Sequential).layers[0]);
    expect(m2.layers[3]).toBe(m2.layers[0]);
  });

  it('a parameter shared by two different layers (weight tying) stays shared after load, and trains as one', () => {
    bp.manualSeed(4);
    const m = new nn.Sequential(new nn.Linear(4, 4), new nn.Tanh(), new nn.Linear(4, 4), new nn.Linear(4, 2));
    const [a, , b] = m.layers as nn.Linear[];
    b.weight = a.weight;
    const f = path.join(tmp, 'weight-tied.safetensors');
    bp.save(m, f);
    const m2 = bp.load(f) as nn.Sequential;
    const [a2, , b2] = m2.layers as nn.Linear[];
    expect(b2.weight).toBe(a2.weight);
    expect(b2.bias).not.toBe(a2.bias);
    expect(m2.parameters()).toHaveLength(m.parameters().length);
    // One SGD step on each: the tied weight gets the sum of both layers' gradients, so the two
    // models stay equal only if the loaded one ties it too.
    const x = bp.randn([5, 4]);
    const y = [0, 1, 1, 0, 1];
    for (const model of [m, m2]) {
      const opt = new optim.SGD(model.parameters(), { lr: 0.5 });
      new nn.CrossEntropyLoss().forward(model.forward(x), y).backward();
      opt.step();
    }
    expect(Array.from(m2.forward(x).data)).toEqual(Array.from(m.forward(x).data));
    expect(Array.from(b2.weight.data)).toEqual(Array.from(a2.weight.data));
  });

  it('load names a tie that the architecture cannot hold', () => {
    const m = new nn.Sequential(new nn.Linear(4, 4), new nn.Linear(4, 3));
    const f = path.join(tmp, 'bad-tie.safetensors');
    const meta = (ties: unknown) => ({ format: 'backprop-1', architecture: JSON.stringify({ type: 'Sequential', layers: [{ type: 'Linear', inFeatures: 4, outFeatures: 4, bias: true }, { type: 'Linear', inFeatures: 4, outFeatures: 3, bias: true }] }), ties: JSON.stringify(ties) });
    bp.writeSafetensors(f, m.stateDict(), meta([['1.weight', '0.weight']]));
    expect(() => bp.load(f)).toThrow(/ties parameter '1\.weight' \[3, 4\] to '0\.weight' \[4, 4\]: the shapes differ/);
    bp.writeSafetensors(f, m.stateDict(), meta([['1.weight', '2.weight']]));
    expect(() => bp.load(f)).toThrow(/no parameter '2\.weight'/);
  });

  it('saveCheckpoint / loadCheckpoint resume training to identical numbers', () => {
    const make = () => { bp.manualSeed(3); return new nn.Sequential(new nn.Linear(4, 6), new nn.Tanh(), new nn.Linear(6, 2)); };
    const x = bp.randn([8, 4]);
    const y = [0, 1, 1, 0, 1, 0, 0, 1];
    const run = (m: nn.Module, o: optim.Optimizer, steps: number) => {
      for (let i = 0; i < steps; i++) { o.zeroGrad(); new nn.CrossEntropyLoss().forward(m.forward(x), y).backward(); o.step(); }
    };
    const a = make();
    run(a, new optim.Adam(a.parameters(), { lr: 0.05 }), 6);
    const b = make();
    const ob = new optim.Adam(b.parameters(), { lr: 0.05 });
    run(b, ob, 3);
    const f = path.join(tmp, 'ckpt.safetensors');
    bp.saveCheckpoint(f, b, ob, { epoch: 3 });
    const c = make();
    const oc = new optim.Adam(c.parameters(), { lr: 0.05 });
    expect(bp.loadCheckpoint(f, c, oc).epoch).toBe(3);
    run(c, oc, 3);
    const want = a.stateDict();
    for (const [k, v] of Object.entries(c.stateDict())) expect(Array.from(v.data), k).toEqual(Array.from(want[k].data));
    expect(() => bp.loadCheckpoint(f, make(), new optim.SGD(make().parameters(), { lr: 1 }))).toThrow(/holds Adam state, not SGD/);
  });

  it('damaged metadata is named with its file and entry, and a checkpoint that does not fit leaves model and optimizer as they were', () => {
    // A random-byte search over saved files found JSON.parse's bare message, "Cannot read properties
    // of undefined (reading 'map')" and "(reading 'kind')", and a model loaded before the optimizer failed.
    const make = () => { bp.manualSeed(4); return new nn.Sequential(new nn.Linear(4, 6), new nn.Tanh(), new nn.Linear(6, 2)); };
    const m = make();
    const f = path.join(tmp, 'damaged.safetensors');
    const arch = (spec: unknown) => ({ format: 'backprop-1', architecture: typeof spec === 'string' ? spec : JSON.stringify(spec) });
    bp.writeSafetensors(f, m.stateDict(), arch('{"type":"Sequential","layers":[{"type":"Lin'));
    expect(() => bp.load(f)).toThrow(/load: '.*damaged\.safetensors' has a damaged 'architecture' entry in its metadata \(/);
    bp.writeSafetensors(f, m.stateDict(), arch({ type: 'Sequential', layerz: [] }));
    expect(() => bp.load(f)).toThrow(/load: the checkpoint's architecture at '' is a Sequential without a list of layers/);
    bp.writeSafetensors(f, m.stateDict(), arch({ type: 'Sequential', layers: [7] }));
    expect(() => bp.load(f)).toThrow(/load: the checkpoint's architecture at '0' is not a layer description: 7/);
    bp.writeSafetensors(f, m.stateDict(), arch({ type: 'Sequential', layers: [{ type: 'Linear', inFeatures: -4, outFeatures: 6 }] }));
    expect(() => bp.load(f)).toThrow(/^load: the checkpoint's architecture at '0': Linear: inFeatures must be a non-negative integer, got -4$/);
    bp.writeSafetensors(f, m.stateDict(), { ...arch({ type: 'Sequential', layers: [] }), ties: '[["a"' });
    expect(() => bp.load(f)).toThrow(/damaged 'ties' entry/);

    // A checkpoint whose optimizer entry is damaged: a clear error, and the model untouched.
    const om = new optim.Adam(m.parameters(), { lr: 0.05 });
    m.forward(bp.randn([3, 4])).sum().backward();
    om.step();
    const ck = path.join(tmp, 'damaged-ckpt.safetensors');
    bp.saveCheckpoint(ck, m, om, { epoch: 2 });
    const { tensors, metadata } = bp.readSafetensors(ck);
    bp.writeSafetensors(ck, tensors, { ...metadata, optimizer: metadata.optimizer.slice(0, 20) });
    const target = make();
    target.forward(bp.randn([3, 4])); // any state; it must not change
    const before = Object.values(target.stateDict()).map((t) => Array.from(t.data));
    const ot = new optim.Adam(target.parameters(), { lr: 0.05 });
    expect(() => bp.loadCheckpoint(ck, target, ot)).toThrow(/loadCheckpoint: '.*damaged-ckpt\.safetensors' has a damaged 'optimizer' entry in its metadata/);
    expect(Object.values(target.stateDict()).map((t) => Array.from(t.data))).toEqual(before);
    // Well-formed JSON that the optimizer refuses (its hyperparameters lost): named with the file.
    bp.saveCheckpoint(ck, m, om, { epoch: 2 });
    const good = bp.readSafetensors(ck);
    const entry = JSON.parse(good.metadata.optimizer) as Record<string, unknown>;
    delete entry.hyper;
    bp.writeSafetensors(ck, good.tensors, { ...good.metadata, optimizer: JSON.stringify(entry) });
    expect(() => bp.loadCheckpoint(ck, target, ot)).toThrow(/^loadCheckpoint: '.*damaged-ckpt\.safetensors' holds optimizer state that Adam refuses: Adam\.loadStateDict: hyper must be/);
    expect(Object.values(target.stateDict()).map((t) => Array.from(t.data))).toEqual(before);

    // A checkpoint of another model: the optimizer's state fits (the same parameter shapes) but the
    // model does not take the tensors (its layers sit at other indices); the optimizer keeps its state.
    bp.manualSeed(5);
    const other = new nn.Sequential(new nn.Linear(4, 6), new nn.Tanh(), new nn.Identity(), new nn.Linear(6, 2));
    const oo = new optim.Adam(other.parameters(), { lr: 0.05 });
    other.forward(bp.randn([3, 4])).sum().backward();
    oo.step();
    const stateBefore = JSON.stringify(oo.stateDict());
    bp.saveCheckpoint(ck, m, om, { epoch: 2 });
    expect(() => bp.loadCheckpoint(ck, other, oo)).toThrow(/loadStateDict: missing keys \[3\.weight, 3\.bias\]/);
    expect(JSON.stringify(oo.stateDict())).toBe(stateBefore);
  });
});

noteIfNoTorch('the PyTorch checkpoint test');
describe.runIf(haveTorch)('PyTorch reads our checkpoint', () => {
  it('parses the file with json + numpy and runs the same forward in torch', () => {
    bp.manualSeed(17);
    const m = new nn.Sequential(new nn.Linear(6, 10), new nn.ReLU(), new nn.Linear(10, 4), new nn.Sigmoid());
    const f = path.join(tmp, 'for-torch.safetensors');
    bp.save(m, f);
    const x = bp.randn([5, 6]);
    const ours = Array.from(m.forward(x).data);
    const script = `
import json, struct, sys, numpy as np, torch
path, xs = sys.argv[1], json.loads(sys.argv[2])
raw = open(path, 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
arch = json.loads(header['__metadata__']['architecture'])
def t(name):
    h = header[name]; b, e = h['data_offsets']
    assert h['dtype'] == 'F32'
    return torch.from_numpy(np.frombuffer(raw[8 + n + b:8 + n + e], dtype='<f4').reshape(h['shape']).copy())
layers = []
for spec in arch['layers']:
    if spec['type'] == 'Linear': layers.append(torch.nn.Linear(spec['inFeatures'], spec['outFeatures'], bias=spec['bias']))
    elif spec['type'] == 'ReLU': layers.append(torch.nn.ReLU())
    elif spec['type'] == 'Sigmoid': layers.append(torch.nn.Sigmoid())
model = torch.nn.Sequential(*layers)
model.load_state_dict({k: t(k) for k in header if k != '__metadata__'})
with torch.no_grad():
    y = model(torch.tensor(xs, dtype=torch.float32).reshape(5, 6))
print(json.dumps(y.reshape(-1).tolist()))
`;
    const r = spawnSync(PY, ['-c', script, f, JSON.stringify(Array.from(x.data))], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const theirs = JSON.parse(r.stdout) as number[];
    theirs.forEach((v, i) => expect(Math.abs(v - ours[i])).toBeLessThan(1e-6));
  });
});
