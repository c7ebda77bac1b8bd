// The library's random number generator: xoshiro128** seeded by splitmix32, normals by Box-Muller.
// The generator's state lives here; tensors are filled by the backend (lib/backend/reference/
// random.ts is the specification, the addon draws the same numbers in C++), so that the same seed
// gives the same numbers on both backends.

import { randomBytes } from 'node:crypto';
import { shown } from './args';
import { cosSinDraw, radiusOf } from './normal_math';

// The four state words, in a typed array: as module-level numbers, words past 2^30 were boxed on
// every draw (Dropout's masks took 35 ns an element).
const state = new Uint32Array(4);
// A Box-Muller pair's second normal, not yet used (NaN when there is none): in a typed array, so that
// a backend's fill can take it and leave one.
const spareNormal = new Float64Array([NaN]);

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

// The seed manualSeed was last given (initialSeed reports it).
let lastSeed = 0;

/** Seeds the generator used by rand, randn, init, Dropout and shuffling. */
export function manualSeed(seed: number): void {
  if (!Number.isFinite(seed)) throw new Error(`manualSeed: seed must be a finite number, got ${shown(seed)}`);
  lastSeed = seed;
  state.set(seedWords(seed));
  spareNormal[0] = NaN;
}

/** @internal The four state words manualSeed(seed) starts from: a generator of one's own (DistributedSampler's epochs). */
export function seedWords(seed: number): Uint32Array {
  const hi = Math.floor(seed / 4294967296);
  const sm = splitmix32((seed >>> 0) ^ Math.imul(hi >>> 0, 0x27d4eb2d));
  return Uint32Array.from({ length: 4 }, () => sm());
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

/** The 24 bits of one draw: a uniform draw is them over 2^24, a normal pair is made of two. */
function draw24(s: Uint32Array): number {
  return nextU32(s) >>> 8;
}

/** @internal A uniform draw in [0, 1) from the generator whose words are s: uniform01's rule. */
export function uniformFrom(s: Uint32Array): number {
  return draw24(s) / 16777216;
}

/** The seed the generator was last seeded with (torch.initial_seed): PyTorch's default until manualSeed or seed. */
export function initialSeed(): number {
  return lastSeed;
}

/** Seeds the generator with a seed from the system's random source and returns it (torch.seed). */
export function seed(): number {
  const b = randomBytes(8);
  const s = (b.readUInt32LE(0) & 0x1fffff) * 4294967296 + b.readUInt32LE(4);
  manualSeed(s);
  return s;
}

/** A snapshot of the generator (getRngState): its four xoshiro128** words and Box-Muller's spare normal (NaN for none). */
export interface RngState {
  /** The four xoshiro128** state words. */
  readonly words: Uint32Array;
  /** The second normal of the last Box-Muller pair, not yet drawn (NaN for none). */
  readonly spareNormal: number;
}

/** The generator's state, to be given back to setRngState (torch.get_rng_state): the draws after either are the same. */
export function getRngState(): RngState {
  return { words: state.slice(), spareNormal: spareNormal[0] };
}

/** Restores a state getRngState returned (torch.set_rng_state). */
export function setRngState(s: RngState): void {
  if (s === null || typeof s !== 'object' || !(s.words instanceof Uint32Array) || s.words.length !== 4 || typeof s.spareNormal !== 'number') {
    throw new Error(`setRngState: expected a state from getRngState ({ words: a Uint32Array of 4, spareNormal: a number }), got ${shown(s)}`);
  }
  if (s.words.every((w) => w === 0)) throw new Error('setRngState: the four words must not all be 0 (the generator would give only zeros)');
  state.set(s.words);
  spareNormal[0] = s.spareNormal;
}

/** @internal The generator's four state words (the fused native plan draws from the same stream). */
export function rngWords(): Uint32Array {
  return state.slice();
}

/** @internal Restores state words returned by rngWords (after native code advanced them). */
export function setRngWords(words: Uint32Array): void {
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

/** @internal The live spare normal (NaN for none) that a backend's normalFill takes and leaves. */
export function liveSpareNormal(): Float64Array {
  return spareNormal;
}

const cosSin = new Float64Array(2);

/**
 * @internal The next standard normal of the generator whose words are s, with spare[0] the pending
 * second normal of a pair (NaN for none): a pair draws k (24 bits, again while 0) and then j, and
 * is sqrt(-2 ln(k / 2^24)) times cos, then sin, of 2 pi j / 2^24 (Box-Muller).
 */
export function normalFrom(s: Uint32Array, spare: Float64Array): number {
  const pending = spare[0];
  if (!Number.isNaN(pending)) {
    spare[0] = NaN;
    return pending;
  }
  let k = 0;
  while (k === 0) k = draw24(s);
  const j = draw24(s);
  const r = radiusOf(k);
  cosSinDraw(j, cosSin);
  spare[0] = r * cosSin[1];
  return r * cosSin[0];
}

/** Uniform integer in [0, n). */
export function randInt(n: number): number {
  return Math.floor(uniform01() * n);
}

/**
 * @internal into[i] = i for every i, then shuffled when asked (Fisher-Yates from the end, on this
 * generator, or on the generator whose state words are `words`): randperm's values and fit's epoch order.
 */
export function indexRange<A extends Int32Array | Float32Array>(into: A, shuffle: boolean, words: Uint32Array = state): A {
  for (let i = 0; i < into.length; i++) into[i] = i;
  if (shuffle) {
    for (let i = into.length - 1; i > 0; i--) {
      const j = Math.floor(uniformFrom(words) * (i + 1));
      const t = into[i];
      into[i] = into[j];
      into[j] = t;
    }
  }
  return into;
}

manualSeed(67280421310721); // PyTorch's default seed: runs are reproducible until seeded otherwise.
