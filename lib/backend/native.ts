// Loads the compiled addon (build/Release/backprop_native.node) and exposes it as a Backend.
// The addon's functions already have the contract's argument order, except that optimStep takes
// its hyperparameters packed into a Float64Array (packHyper) and gemmPair its two products' argument
// lists one after the other; this file finds the addon and adapts those two.
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Backend, GemmArgs, HYPER_FIELDS, OptimHyper, packHyper } from './backend';

/** The command that builds the addon, named in every message about it. */
export const BUILD_COMMAND = 'npm run build:native';

interface Loaded {
  backend: Backend | null;
  error: string | null;
}

let loaded: Loaded | null = null;

// glibc thresholds set when the addon loads (native/src/runtime/allocator.cc says why): blocks up
// to 32 MiB (glibc's largest) come from the heap, and up to 128 MiB of free heap top stays with the
// process, so that each step's activations reuse warm pages instead of faulting in fresh ones. V8
// frees dead ArrayBuffers in bulk, at a full GC that external memory grown by ~64 MiB triggers: a
// trim threshold of 64 MiB still let a test process fault 53 times per step; 128 MiB, none.
const MMAP_THRESHOLD = 32 << 20;
const TRIM_THRESHOLD = 128 << 20;

/** True when the environment chose the malloc settings: BACKPROP_MALLOC=default, or GLIBC_TUNABLES. */
export function mallocLeftToUser(): boolean {
  return process.env.BACKPROP_MALLOC === 'default' || /glibc\.malloc\./.test(process.env.GLIBC_TUNABLES ?? '');
}

/** Applies the allocator thresholds unless the environment chose its own; true when they were set. */
function tuneAllocator(addon: { tuneAllocator(mmapThreshold: number, trimThreshold: number): boolean }): boolean {
  return !mallocLeftToUser() && addon.tuneAllocator(MMAP_THRESHOLD, TRIM_THRESHOLD);
}

let tuned = false;

/** Whether loading the addon set the allocator thresholds (false before it loads or without it). */
export function allocatorTuned(): boolean {
  return tuned;
}

function packageRoot(): string {
  // lib/backend (sources) and dist/backend (compiled) are both two levels below the package root.
  return path.resolve(__dirname, '..', '..');
}

export function addonPath(): string {
  return path.join(packageRoot(), 'build', 'Release', 'backprop_native.node');
}

/** Values of BACKPROP_ISA, which caps the kernel set the addon picks from CPUID. */
const KERNEL_SETS: readonly string[] = ['generic', 'avx2', 'avx512'];

export function loadNative(): Loaded {
  if (loaded) return loaded;
  const file = process.env.BACKPROP_ADDON ?? addonPath();
  const isa = process.env.BACKPROP_ISA;
  if (process.env.BACKPROP_DISABLE_NATIVE === '1') {
    loaded = { backend: null, error: 'disabled by BACKPROP_DISABLE_NATIVE=1' };
  } else if (isa !== undefined && isa !== '' && !KERNEL_SETS.includes(isa)) {
    // The addon reads the variable itself, once, and cannot throw from there. Empty is unset, as
    // for the addon (`BACKPROP_ISA= npm test` in a shell).
    loaded = { backend: null, error: `BACKPROP_ISA must be one of ${KERNEL_SETS.join(', ')} (the widest kernel set to use), got '${isa}'` };
  } else if (!fs.existsSync(file)) {
    loaded = { backend: null, error: `${file} does not exist` };
  } else {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const addon = require(file) as Omit<Backend, 'name' | 'optimStep' | 'gemmPair'> & {
        optimStep(h: Float64Array, ...lists: Float32Array[][]): void;
        gemmPair(...args: [...GemmArgs, ...GemmArgs]): void;
        tuneAllocator(mmapThreshold: number, trimThreshold: number): boolean;
      };
      tuned = tuneAllocator(addon);
      const packed = new Float64Array(HYPER_FIELDS.length); // reused: optimStep never keeps it
      const optimStep = (h: OptimHyper, p: Float32Array[], g: Float32Array[], s0: Float32Array[], s1: Float32Array[], s2: Float32Array[]): void =>
        addon.optimStep(packHyper(h, packed), p, g, s0, s1, s2);
      const gemmPair = (first: GemmArgs, second: GemmArgs): void => {
        // The addon reads the two lists back to back: a short one would shift the other's arguments.
        if (!Array.isArray(first) || !Array.isArray(second) || first.length !== 14 || second.length !== 14) {
          const len = (x: unknown) => (Array.isArray(x) ? `${x.length} arguments` : typeof x);
          throw new TypeError(`gemmPair: each product must be a list of gemm's 14 arguments, got ${len(first)} and ${len(second)}`);
        }
        addon.gemmPair(...first, ...second);
      };
      loaded = { backend: Object.freeze({ ...addon, optimStep, gemmPair, name: 'native' as const }), error: null };
    } catch (e) {
      loaded = { backend: null, error: `${file} failed to load: ${(e as Error).message}` };
    }
  }
  return loaded;
}
