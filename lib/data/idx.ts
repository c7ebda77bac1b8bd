// IDX files (the MNIST family's format): big-endian header with a magic number naming the element
// type and the rank, then the dimensions, then the data. Plain or gzip-compressed.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { Tensor } from '../tensor';
import { alloc } from '../storage';
import { checkPath } from '../args';

/** A decoded IDX file: its shape and its values as a float32 tensor (integers kept exact). */
export function readIdx(path: string): Tensor {
  checkPath(path, 'readIdx');
  let raw: Buffer;
  try {
    raw = fs.readFileSync(path);
  } catch (e) {
    throw new Error(`readIdx: cannot read '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let buf = raw;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      buf = zlib.gunzipSync(raw);
    } catch (e) {
      throw new Error(`readIdx: '${path}' starts like gzip but does not decompress: ${(e as Error).message}`);
    }
  }
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) throw new Error(`readIdx: '${path}' is not an IDX file (bad magic number)`);
  const type = buf[2];
  const rank = buf[3];
  const sizes: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };
  const width = sizes[type];
  if (!width) throw new Error(`readIdx: '${path}' has unknown element type 0x${type.toString(16)}`);
  if (rank < 1 || buf.length < 4 + 4 * rank) throw new Error(`readIdx: '${path}' has a truncated header (rank ${rank})`);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(buf.readUInt32BE(4 + 4 * i));
  const n = shape.reduce((a, b) => a * b, 1);
  const off = 4 + 4 * rank;
  if (buf.length !== off + n * width) {
    throw new Error(`readIdx: '${path}' should hold ${n} values of ${width} byte(s) after its header (shape [${shape.join(', ')}]) but has ${buf.length - off} bytes`);
  }
  const out = alloc(n);
  for (let i = 0; i < n; i++) {
    const p = off + i * width;
    switch (type) {
      case 0x08: out[i] = buf[p]; break;
      case 0x09: out[i] = buf.readInt8(p); break;
      case 0x0b: out[i] = buf.readInt16BE(p); break;
      case 0x0c: out[i] = buf.readInt32BE(p); break;
      case 0x0d: out[i] = buf.readFloatBE(p); break;
      default: out[i] = buf.readDoubleBE(p); break;
    }
  }
  return new Tensor(out, shape);
}
