// Loads PyTorch's answers from ../shared/golden (beside the checkout) and compares against them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';
import { Tensor, tensor } from '../../lib/index';

export const GOLDEN_DIR = process.env.BACKPROP_GOLDEN ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'golden');

export interface TensorJson { shape: number[]; data: number[] }
export interface Tolerance { rtol: number; atol: number }
export interface GoldenCase {
  name: string;
  about: string;
  tolerance: Tolerance;
  inputs: Record<string, unknown>;
  expected: Record<string, unknown>;
}

export function goldenNames(): string[] {
  return (JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, 'INDEX.json'), 'utf8')) as { cases: string[] }).cases;
}

export function loadGolden(name: string): GoldenCase {
  return JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, `${name}.json`), 'utf8')) as GoldenCase;
}

export function T(j: unknown, requiresGrad = false): Tensor {
  const t = j as TensorJson;
  return tensor(t.data, { shape: t.shape, requiresGrad });
}

/**
 * |actual - expected| <= atol + rtol * |expected|, element-wise, with the worst element named. The
 * same infinity, or NaN against NaN, also matches.
 */
export function expectClose(actual: ArrayLike<number> | number, expected: ArrayLike<number> | number, tol: Tolerance, what = ''): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  expect(a.length, `${what}: length`).toBe(e.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === e[i] || (Number.isNaN(a[i]) && Number.isNaN(e[i]))) continue; // also the same infinity, or both NaN
    const excess = Math.abs(a[i] - e[i]) - (tol.atol + tol.rtol * Math.abs(e[i]));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(`${what}: element ${worst} is ${a[worst]}, expected ${e[worst]} (rtol ${tol.rtol}, atol ${tol.atol})`);
  }
}

export function expectTensor(actual: Tensor | null, expected: unknown, tol: Tolerance, what: string): void {
  expect(actual, `${what} is missing`).not.toBeNull();
  const e = expected as TensorJson;
  expect([...(actual as Tensor).shape], `${what}: shape`).toEqual(e.shape);
  expectClose((actual as Tensor).data, e.data, tol, what);
}

/** True when two float arrays hold the same bits (bit-identity checks; fast on millions of elements). */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * sameBits, except that any NaN matches any NaN: where two NaNs meet in an add or a multiply, the
 * one that comes out is the hardware's first operand, and a compiler may swap a commutative op's
 * operands (so a NaN's sign is no result of the arithmetic).
 */
export function sameBitsButNaNs(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) if (ua[i] !== ub[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}
