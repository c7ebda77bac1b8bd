// TensorBoard event files (SummaryWriter, fit's tensorBoard): read back by an independent reader
// (test/helpers/read_events.py: its own CRC-32C, the protobuf library with TensorBoard's field numbers).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { crc32c, tfRecord } from '../lib/io/tensorboard';
import { eachBackend } from './helpers/backends';
import { scratchDir } from './helpers/scratch';

const PY = '/usr/bin/python3';
const haveProtobuf = spawnSync(PY, ['-c', 'import google.protobuf'], { encoding: 'utf8' }).status === 0;
if (!haveProtobuf) console.log('tensorboard.test: the event files are not read back: python3 with protobuf is absent (apt-get install python3-protobuf)');

interface Ev { wall_time: number; step: number; file_version: string; values: { tag: string; bits: number }[] }

function readEvents(file: string): Ev[] {
  const r = spawnSync(PY, [path.join(__dirname, 'helpers', 'read_events.py'), file], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Ev[];
}

/** The one event file in dir. */
function eventFile(dir: string): string {
  const files = fs.readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.'));
  expect(files).toHaveLength(1);
  return path.join(dir, files[0]);
}

/** The float32 bits of v, as the reader gives each scalar. */
const bits = (v: number): number => new Uint32Array(Float32Array.of(v).buffer)[0];

describe('TFRecord framing', () => {
  it('CRC-32C and the masked length CRC match the known values', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
    // Every TensorBoard event file starts with these 12 bytes: a 24-byte first record and its CRC.
    expect(Buffer.from(tfRecord(new Uint8Array(24)).subarray(0, 12)).toString('hex')).toBe('1800000000000000a37f4b22');
  });
});

describe.runIf(haveProtobuf)('SummaryWriter', () => {
  it('writes the version event, then one scalar event per addScalar, as TensorBoard reads them', () => {
    const dir = path.join(scratchDir('backprop-tb-'), 'run 1');
    const w = new bp.SummaryWriter(dir);
    expect(w.logDir).toBe(dir);
    expect(path.basename(w.file)).toMatch(/^events\.out\.tfevents\.\d+\..+\.\d+\.\d+$/);
    const cases: [string, number, number][] = [['loss', 0.25, 0], ['loss', 1 / 3, 1], ['train/acc', -2.5e-8, 127], ['ü tag', 1e30, 128], ['big', NaN, 2 ** 40 + 3], ['inf', -Infinity, 2 ** 53 - 1]];
    for (const [tag, v, step] of cases) w.addScalar(tag, v, step, 1700000000.5 + step);
    w.flush();
    w.close();
    w.close();
    const ev = readEvents(w.file);
    expect(ev).toHaveLength(1 + cases.length);
    expect(ev[0].file_version).toBe('brain.Event:2');
    expect(ev[0].values).toEqual([]);
    expect(Math.abs(ev[0].wall_time - Date.now() / 1000)).toBeLessThan(60);
    cases.forEach(([tag, v, step], i) => {
      expect(ev[i + 1].step).toBe(step);
      expect(ev[i + 1].wall_time).toBe(1700000000.5 + step);
      expect(ev[i + 1].values).toEqual([{ tag, bits: bits(v) }]);
    });
    // A second writer in the same directory makes its own file.
    const w2 = new bp.SummaryWriter(dir);
    expect(w2.file).not.toBe(w.file);
    w2.close();
  });

  it('bad arguments are named', () => {
    const dir = scratchDir('backprop-tb-');
    expect(() => new bp.SummaryWriter('')).toThrow(/SummaryWriter: logDir must be a non-empty path, got ""|''/);
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    expect(() => new bp.SummaryWriter(path.join(dir, 'file', 'sub'))).toThrow(/SummaryWriter: cannot make the log directory .*file\/sub/);
    const w = new bp.SummaryWriter(dir);
    expect(() => w.addScalar('', 1)).toThrow(/addScalar: tag must be a non-empty string/);
    expect(() => w.addScalar('x', '1' as unknown as number)).toThrow(/addScalar: value of 'x' must be a number, got "1"/);
    expect(() => w.addScalar('x', 1, -1)).toThrow(/addScalar: step must be a non-negative integer, got -1/);
    expect(() => w.addScalar('x', 1, 1.5)).toThrow(/step must be a non-negative integer, got 1.5/);
    expect(() => w.addScalar('x', 1, 0, NaN)).toThrow(/wallTime must be a finite number of seconds, got NaN/);
    w.close();
    expect(() => w.addScalar('x', 1)).toThrow(/SummaryWriter: .* was closed/);
  });
});

eachBackend('fit writes TensorBoard logs', () => {
  it.runIf(haveProtobuf)('each epoch\'s loss and accuracy under train/, the validation values under validation/', async () => {
    const dir = scratchDir('backprop-tb-fit-');
    bp.manualSeed(3);
    const x = bp.randn([40, 4]);
    const y = bp.tensor(Array.from({ length: 40 }, (_, i) => i % 3));
    const model = new bp.nn.Sequential(new bp.nn.Linear(4, 8), new bp.nn.ReLU(), new bp.nn.Linear(8, 3));
    const h = await bp.fit(model, { x, y }, {
      loss: new bp.nn.CrossEntropyLoss(), optimizer: new bp.optim.Adam(model.parameters(), { lr: 0.01 }), epochs: 3, batchSize: 8,
      metrics: ['accuracy'], validationData: { x, y }, tensorBoard: dir,
    });
    const train = readEvents(eventFile(path.join(dir, 'train')));
    const val = readEvents(eventFile(path.join(dir, 'validation')));
    const scalars = (ev: Ev[]) => ev.slice(1).map((e) => [e.step, e.values[0].tag, e.values[0].bits]);
    expect(scalars(train)).toEqual([0, 1, 2].flatMap((e) => [[e, 'epoch_loss', bits(h.loss[e])], [e, 'epoch_accuracy', bits(h.accuracy[e])]]));
    expect(scalars(val)).toEqual([0, 1, 2].flatMap((e) => [[e, 'epoch_loss', bits(h.valLoss[e])], [e, 'epoch_accuracy', bits(h.valAccuracy[e])]]));
  });

  it('a tensorBoard that is not a path is refused before training', async () => {
    const model = new bp.nn.Sequential(new bp.nn.Linear(2, 2));
    const opts = { loss: new bp.nn.CrossEntropyLoss(), optimizer: new bp.optim.SGD(model.parameters(), { lr: 0.1 }) };
    const data = { x: bp.zeros([4, 2]), y: bp.tensor([0, 1, 0, 1]) };
    await expect(bp.fit(model, data, { ...opts, tensorBoard: 5 as unknown as string })).rejects.toThrow(/fit: tensorBoard must be a directory path, got 5/);
    const file = path.join(scratchDir('backprop-tb-'), 'f');
    fs.writeFileSync(file, '');
    const before = Array.from(model.parameters()[0].data);
    await expect(bp.fit(model, data, { ...opts, tensorBoard: file })).rejects.toThrow(/SummaryWriter: cannot make the log directory/);
    expect(Array.from(model.parameters()[0].data)).toEqual(before);
  });
});
