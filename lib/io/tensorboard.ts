// TensorBoard event files (PyTorch's torch.utils.tensorboard.SummaryWriter, scalars): a file
// `events.out.tfevents.<seconds>.<host>.<pid>.<n>` of TFRecord records (length, masked CRC-32C of
// the length, an Event protocol buffer, masked CRC-32C of it), the first one naming the format
// ("brain.Event:2"), then one Event per scalar. Written record by record, so a run that dies keeps
// what it logged and TensorBoard shows a run while it trains.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { shown } from '../args';

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord checks its records.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** @internal CRC-32C of the bytes. */
export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** @internal TFRecord's masked CRC: rotated right by 15 bits, plus a constant. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const c = crc32c(bytes);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** Protocol-buffer fields, appended in order. */
class ProtoWriter {
  private parts: number[] = [];

  private varint(v: number): void {
    // Non-negative integers up to 2^53: seven bits a byte, low first.
    while (v >= 0x80) {
      this.parts.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.parts.push(v);
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  // A fixed-width field: the value's little-endian bytes, as `put` writes them.
  private fixed(field: number, wire: number, width: number, put: (d: DataView) => void): this {
    this.key(field, wire);
    const d = new DataView(new ArrayBuffer(width));
    put(d);
    for (let i = 0; i < width; i++) this.parts.push(d.getUint8(i));
    return this;
  }

  double(field: number, v: number): this {
    return this.fixed(field, 1, 8, (d) => d.setFloat64(0, v, true));
  }

  float(field: number, v: number): this {
    return this.fixed(field, 5, 4, (d) => d.setFloat32(0, v, true));
  }

  int(field: number, v: number): this {
    this.key(field, 0);
    this.varint(v);
    return this;
  }

  bytes(field: number, v: Uint8Array): this {
    this.key(field, 2);
    this.varint(v.length);
    for (const x of v) this.parts.push(x);
    return this;
  }

  string(field: number, v: string): this {
    return this.bytes(field, new TextEncoder().encode(v));
  }

  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** @internal One TFRecord record holding `data`. */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length % 2 ** 32, true);
  view.setUint32(4, Math.floor(data.length / 2 ** 32), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

// Event: wall_time = 1 (double), step = 2 (int64), file_version = 3 (string), summary = 5.
// Summary: value = 1 (repeated). Summary.Value: tag = 1 (string), simple_value = 2 (float).
function event(wallTime: number, step: number, fill: (e: ProtoWriter) => void): Uint8Array {
  const e = new ProtoWriter().double(1, wallTime);
  if (step !== 0) e.int(2, step);
  fill(e);
  return tfRecord(e.done());
}

let filesMade = 0;

/**
 * Writes scalars for TensorBoard (`tensorboard --logdir <dir>`), as PyTorch's SummaryWriter: each
 * writer makes one new event file in `logDir` (created if missing).
 */
export class SummaryWriter {
  /** The directory the event file is in. */
  readonly logDir: string;
  /** The event file's path. */
  readonly file: string;
  #fd: number | null;

  constructor(logDir: string) {
    if (typeof logDir !== 'string' || logDir === '') throw new Error(`SummaryWriter: logDir must be a non-empty path, got ${shown(logDir)}`);
    try {
      fs.mkdirSync(logDir, { recursive: true });
    } catch (e) {
      throw new Error(`SummaryWriter: cannot make the log directory ${logDir}: ${(e as Error).message}`);
    }
    this.logDir = logDir;
    const seconds = Math.floor(Date.now() / 1000);
    this.file = path.join(logDir, `events.out.tfevents.${seconds}.${os.hostname()}.${process.pid}.${filesMade++}`);
    this.#fd = fs.openSync(this.file, 'wx');
    this.#write(event(Date.now() / 1000, 0, (e) => e.string(3, 'brain.Event:2')));
  }

  #write(record: Uint8Array): void {
    if (this.#fd === null) throw new Error(`SummaryWriter: ${this.file} was closed`);
    fs.writeSync(this.#fd, record);
  }

  /**
   * Logs `value` under `tag` at `step` (an integer >= 0; TensorBoard's x axis), stamped `wallTime`
   * seconds since 1970 (default now). Stored as float32, as TensorBoard's scalars are.
   */
  addScalar(tag: string, value: number, step = 0, wallTime = Date.now() / 1000): void {
    if (typeof tag !== 'string' || tag === '') throw new Error(`SummaryWriter.addScalar: tag must be a non-empty string, got ${shown(tag)}`);
    if (typeof value !== 'number') throw new Error(`SummaryWriter.addScalar: value of '${tag}' must be a number, got ${shown(value)}`);
    if (!Number.isSafeInteger(step) || step < 0) throw new Error(`SummaryWriter.addScalar: step must be a non-negative integer, got ${shown(step)}`);
    if (typeof wallTime !== 'number' || !Number.isFinite(wallTime)) throw new Error(`SummaryWriter.addScalar: wallTime must be a finite number of seconds, got ${shown(wallTime)}`);
    const v = new ProtoWriter().string(1, tag).float(2, value).done();
    this.#write(event(wallTime, step, (e) => e.bytes(5, new ProtoWriter().bytes(1, v).done())));
  }

  /** Writes are unbuffered: present for PyTorch's API. */
  flush(): void {
    if (this.#fd !== null) fs.fsyncSync(this.#fd);
  }

  /** Closes the file; later writes throw. Closing twice does nothing. */
  close(): void {
    if (this.#fd === null) return;
    fs.closeSync(this.#fd);
    this.#fd = null;
  }
}
