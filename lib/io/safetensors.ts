// The safetensors format: 8-byte little-endian header length, a JSON header naming each tensor's
// dtype, shape and byte offsets (plus string metadata under __metadata__), then the raw data.
// Files are written to a temporary name and renamed, so a crash never leaves half a file in place.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { allocOutput } from '../storage';
import { checkPath, shown } from '../args';
import { inEpoch } from '../worker_owned';

/** Tensors by name, as read from or written to a file. */
export type TensorDict = Record<string, Tensor>;

// The format stores little-endian values; typed arrays use the machine's order.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface HeaderEntry { dtype: string; shape: number[]; data_offsets: [number, number] }

// The error for a failed file operation: the call, what it could not do to which file, and the
// system's code (ENOENT, EACCES, EISDIR...).
type FileError = (e: unknown) => Error;
function fileError(call: string, doing: string, file: string): FileError {
  return (e) => new Error(`${call}: cannot ${doing} '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
}

function openFile(file: string, flags: string, cannot: FileError): number {
  try {
    return fs.openSync(file, flags);
  } catch (e) {
    throw cannot(e);
  }
}

/** Writes `path` atomically (temporary file, fsync, rename). */
export function writeFileAtomic(file: string, chunks: Uint8Array[]): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  // Errors name the file asked for, not the temporary one (ENOENT for a missing directory, EACCES...).
  const cannot = fileError('writeSafetensors', 'write', file);
  const fd = openFile(tmp, 'w', cannot);
  try {
    for (const c of chunks) fs.writeSync(fd, c);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  } catch (e) {
    try { fs.closeSync(fd); } catch { /* already closed */ }
    fs.rmSync(tmp, { force: true });
    throw cannot(e);
  }
}

/** Writes tensors (float32, little-endian) and string metadata as a .safetensors file. */
export function writeSafetensors(file: string, tensors: TensorDict, metadata: Record<string, string> = {}): void {
  checkPath(file, 'writeSafetensors');
  if (tensors === null || typeof tensors !== 'object' || tensors instanceof Tensor || Array.isArray(tensors)) throw new Error(`writeSafetensors: tensors must be an object of name -> Tensor, got ${shown(tensors)}`);
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) throw new Error(`writeSafetensors: metadata must be an object of name -> string, got ${shown(metadata)}`);
  for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') throw new Error(`writeSafetensors: metadata '${k}' must be a string (the format stores strings only), got ${shown(v)}`);
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const names = Object.keys(tensors);
  for (const name of names) {
    const t = tensors[name];
    if (!(t instanceof Tensor)) throw new Error(`writeSafetensors: '${name}' is not a Tensor`);
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * t.size] };
    offset += 4 * t.size;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8); // data starts 8-byte aligned
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const chunks: Uint8Array[] = [head, Buffer.from(json, 'utf8')];
  for (const name of names) {
    const t = tensors[name];
    const f32 = t.data instanceof Float32Array && LITTLE_ENDIAN ? t.data : Float32Array.from(t.data);
    const bytes = new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength);
    // Written from the tensor's own storage: a copy first cost as much again (fresh pages, faulted in
    // one by one: a 100 MB dict took 0.70 s to write, 0.35 without). Parameters a running fit() is
    // training are copied, so that each is written as it was at one moment.
    chunks.push(inEpoch(t) ? Buffer.from(bytes) : bytes);
  }
  writeFileAtomic(file, chunks);
}

// A 16-bit float's value: sign, 5 exponent bits, 10 fraction bits (subnormals below exponent 1).
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

// bfloat16 is the top half of a float32: widened through a shared scratch word.
const bf16Bits = new Uint32Array(1);
const bf16Value = new Float32Array(bf16Bits.buffer);
function bf16ToNumber(h: number): number {
  bf16Bits[0] = h << 16;
  return bf16Value[0];
}

// Every dtype of the safetensors format, read as numbers (then stored as float32): PyTorch writes
// integer buffers (BatchNorm's num_batches_tracked is I64) and half-precision weights next to F32.
// A dtype that a typed array holds as it is stored (on a little-endian machine) is converted by
// Float32Array.set from a view (a 100 MB F32 file: 0.94 s element by element, 0.69 with the view);
// the others (half floats, 64-bit integers, BOOL's nonzero bytes) element by element.
type ArrayOf = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayLike<number>;
interface Dtype { width: number; read(buf: Buffer, at: number): number; array?: ArrayOf }
const DTYPES: Record<string, Dtype> = {
  F64: { width: 8, read: (b, at) => b.readDoubleLE(at), array: Float64Array },
  F32: { width: 4, read: (b, at) => b.readFloatLE(at), array: Float32Array },
  F16: { width: 2, read: (b, at) => halfToNumber(b.readUInt16LE(at)) },
  BF16: { width: 2, read: (b, at) => bf16ToNumber(b.readUInt16LE(at)) },
  I64: { width: 8, read: (b, at) => Number(b.readBigInt64LE(at)) },
  U64: { width: 8, read: (b, at) => Number(b.readBigUInt64LE(at)) },
  I32: { width: 4, read: (b, at) => b.readInt32LE(at), array: Int32Array },
  U32: { width: 4, read: (b, at) => b.readUInt32LE(at), array: Uint32Array },
  I16: { width: 2, read: (b, at) => b.readInt16LE(at), array: Int16Array },
  U16: { width: 2, read: (b, at) => b.readUInt16LE(at), array: Uint16Array },
  I8: { width: 1, read: (b, at) => b.readInt8(at), array: Int8Array },
  U8: { width: 1, read: (b, at) => b.readUInt8(at), array: Uint8Array },
  BOOL: { width: 1, read: (b, at) => (b.readUInt8(at) ? 1 : 0) },
};

/** Stores `count` values of `type` from `bytes` into `out` as float32. */
function convert(type: Dtype, bytes: Buffer, count: number, out: Float32Array): void {
  if (type.array && LITTLE_ENDIAN) {
    // A view must start at a multiple of the element size; other writers need not align tensors.
    const src = bytes.byteOffset % type.width === 0 ? bytes : new Uint8Array(bytes);
    out.set(new type.array(src.buffer, src.byteOffset, count));
  } else {
    for (let i = 0; i < count; i++) out[i] = type.read(bytes, type.width * i);
  }
}

/**
 * Reads a .safetensors file: its tensors by name and its string metadata. Tensors of any of the
 * format's dtypes (F64, F32, F16, BF16, signed and unsigned integers, BOOL) are read as float32, as
 * every tensor here is: half-precision values exactly, integers past 2^24 and F64 rounded to float32.
 */
export function readSafetensors(file: string): { tensors: TensorDict; metadata: Record<string, string> } {
  checkPath(file, 'readSafetensors');
  const cannot = fileError('readSafetensors', 'read', file);
  const fd = openFile(file, 'r', cannot);
  try {
    return readOpen(fd, file, cannot);
  } finally {
    fs.closeSync(fd);
  }
}

// Reads `into.length` bytes at `position`; a file that ends sooner (truncated since its size was
// read) or fails is named as readSafetensors names an unreadable file.
function readFully(fd: number, into: Uint8Array, position: number, cannot: FileError): void {
  let done = 0;
  while (done < into.length) {
    let got: number;
    try {
      got = fs.readSync(fd, into, done, into.length - done, position + done);
    } catch (e) {
      throw cannot(e);
    }
    if (got === 0) throw cannot(new Error(`it ended ${into.length - done} bytes short`));
    done += got;
  }
}

// Each tensor is read from the file straight into its storage (F32 on a little-endian machine) or
// through a buffer of its bytes: reading the whole file into one buffer first cost as much again in
// fresh pages (a 100 MB file: 0.50 s, 0.25 without).
function readOpen(fd: number, file: string, cannot: FileError): { tensors: TensorDict; metadata: Record<string, string> } {
  let size: number;
  try {
    size = fs.fstatSync(fd).size;
  } catch (e) {
    throw cannot(e);
  }
  if (size < 8) throw new Error(`readSafetensors: '${file}' is too short to be a safetensors file`);
  const lengthBytes = Buffer.alloc(8);
  readFully(fd, lengthBytes, 0, cannot);
  const n = Number(lengthBytes.readBigUInt64LE(0));
  if (n > size - 8) throw new Error(`readSafetensors: '${file}' declares a ${n}-byte header but has ${size - 8} bytes after the length`);
  const headerBytes = Buffer.alloc(n);
  readFully(fd, headerBytes, 8, cannot);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(headerBytes.toString('utf8'));
  } catch {
    throw new Error(`readSafetensors: '${file}' has a header that is not valid JSON`);
  }
  const base = 8 + n;
  const tensors: TensorDict = {};
  let metadata: Record<string, string> = {};
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') { metadata = v as Record<string, string>; continue; }
    const e = v as HeaderEntry;
    const [b, end] = e.data_offsets ?? [];
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`readSafetensors: '${name}' has shape ${JSON.stringify(e.shape)}; a shape is a list of non-negative integers`);
    }
    const count = e.shape.reduce((a, c) => a * c, 1);
    const type = Object.prototype.hasOwnProperty.call(DTYPES, e.dtype) ? DTYPES[e.dtype] : undefined;
    if (!type) throw new Error(`readSafetensors: '${name}' has dtype ${e.dtype}; the dtypes read are ${Object.keys(DTYPES).join(', ')}`);
    const width = type.width;
    if (!(Number.isInteger(b) && Number.isInteger(end) && end - b === count * width && b >= 0 && base + end <= size)) {
      throw new Error(`readSafetensors: '${name}' has offsets [${b}, ${end}] that do not fit shape ${fmt(e.shape)} of ${e.dtype} in the file`);
    }
    const out = allocOutput(count); // every element written below
    if (e.dtype === 'F32' && LITTLE_ENDIAN) {
      readFully(fd, new Uint8Array(out.buffer, out.byteOffset, out.byteLength), base + b, cannot);
    } else {
      const bytes = Buffer.allocUnsafe(end - b);
      readFully(fd, bytes, base + b, cannot);
      convert(type, bytes, count, out);
    }
    tensors[name] = new Tensor(out, e.shape);
  }
  return { tensors, metadata };
}
