// The library's random number generator: xoshiro128** seeded by splitmix32, normals by Box-Muller.
// Random numbers are drawn in TypeScript so that the same seed gives the same numbers on both backends.

import { shown } from './args';

// The four state words, in a typed array: as module-level numbers, words past 2^30 were boxed on
// every draw (Dropout's masks took 35 ns an element).
const state = new Uint32Array(4);
let spareNormal: number | null = null;

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Seeds the generator used by rand, randn, init, Dropout and shuffling. */
export function manualSeed(seed: number): void {
  if (!Number.isFinite(seed)) throw new Error(`manualSeed: seed must be a finite number, got ${shown(seed)}`);
  const hi = Math.floor(seed / 4294967296);
  const sm = splitmix32((seed >>> 0) ^ Math.imul(hi >>> 0, 0x27d4eb2d));
  for (let i = 0; i < 4; i++) state[i] = sm();
  spareNormal = null;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** @internal One xoshiro128** step over the four words in s (advanced): 32 random bits. */
export function nextU32(s: Uint32Array): number {
  const s1 = s[1];
  const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
  const t = s1 << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

/** @internal A uniform draw in [0, 1) from the generator whose words are s: uniform01's rule. */
export function uniformFrom(s: Uint32Array): number {
  return (nextU32(s) >>> 8) / 16777216;
}

/** @internal The generator's four state words (the fused native plan draws from the same stream). */
export function rngState(): Uint32Array {
  return state.slice();
}

/** @internal Restores state words returned by rngState (after native code advanced them). */
export function setRngState(words: Uint32Array): void {
  state.set(words.subarray(0, 4));
}

/** @internal The generator's live state words, for a kernel that draws from them in place (Dropout's masks). */
export function liveRngState(): Uint32Array {
  return state;
}

/** Uniform in [0, 1) with 24 random bits, exactly representable in float32. */
export function uniform01(): number {
  return uniformFrom(state);
}

/** Standard normal. */
export function normal01(): number {
  if (spareNormal !== null) {
    const v = spareNormal;
    spareNormal = null;
    return v;
  }
  let u = 0;
  while (u === 0) u = uniform01();
  const v = uniform01();
  const r = Math.sqrt(-2 * Math.log(u));
  spareNormal = r * Math.sin(2 * Math.PI * v);
  return r * Math.cos(2 * Math.PI * v);
}

/** Uniform integer in [0, n). */
export function randInt(n: number): number {
  return Math.floor(uniform01() * n);
}

manualSeed(67280421310721); // PyTorch's default seed: runs are reproducible until seeded otherwise.
