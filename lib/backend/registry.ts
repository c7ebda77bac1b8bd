// Which backend ops call. Native by default when the addon loads; otherwise the reference backend,
// announced by a single warning on stderr.
import { Backend } from './backend';
import { BUILD_COMMAND, loadNative } from './native';
import { referenceBackend } from './reference';
import { isFloat64Storage } from '../storage';
import { shown } from '../args';

let current: Backend | null = null;
let warned = false;

/** The backend every op uses now. */
export function B(): Backend {
  if (current) return current;
  const n = loadNative();
  if (n.backend) {
    current = n.backend;
  } else {
    current = referenceBackend;
    if (!warned && process.env.BACKPROP_QUIET !== '1') {
      warned = true;
      process.stderr.write(`backprop: warning: native addon unavailable (${n.error}); using the slow reference backend. Build the addon with \`${BUILD_COMMAND}\`.\n`);
    }
  }
  return current;
}

/** Name of the active backend: 'native' (the C++ addon) or 'reference' (pure TypeScript). */
export function getBackend(): 'native' | 'reference' {
  return B().name;
}

/**
 * Selects the backend. `'native'` throws an Error naming the build command when the addon is missing.
 */
export function setBackend(name: 'native' | 'reference'): void {
  if (name === 'reference') {
    current = referenceBackend;
    return;
  }
  if (name !== 'native') throw new Error(`setBackend: unknown backend ${shown(name)} (expected 'native' or 'reference')`);
  if (isFloat64Storage()) throw new Error('setBackend: the native backend has no float64 mode');
  const n = loadNative();
  if (!n.backend) throw new Error(`setBackend('native'): the native addon is not available (${n.error}). Build it with \`${BUILD_COMMAND}\`.`);
  current = n.backend;
}

/** True when the compiled addon can be loaded. */
export function hasNative(): boolean {
  return loadNative().backend !== null;
}

/** The native kernel sets, widest first (see {@link nativeKernelSet}). */
export type KernelSet = 'avx512' | 'avx2+fma' | 'generic';

/**
 * The kernel set the native addon picked when it loaded: the widest this CPU runs (`avx512`,
 * `avx2+fma`, else the portable `generic`), capped by the environment variable BACKPROP_ISA; null
 * when the addon is not available.
 */
export function nativeKernelSet(): KernelSet | null {
  const nat = loadNative().backend as { kernelSet?: () => string } | null;
  return nat?.kernelSet ? (nat.kernelSet() as KernelSet) : null;
}

/** Sets the size of the native thread pool (the reference backend is single-threaded). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`setNumThreads: n must be a positive integer, got ${shown(n)}`);
  const nat = loadNative().backend;
  if (nat) nat.setNumThreads(n);
}

/** Threads the native backend uses (1 when only the reference backend is available). */
export function getNumThreads(): number {
  const nat = loadNative().backend;
  return nat ? nat.getNumThreads() : 1;
}
