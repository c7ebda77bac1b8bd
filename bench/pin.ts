// One-thread figures are measured on one and the same CPU, ours and every peer's: on the development
// VM its two vCPUs did not run at the same speed (W2 eager at 1 thread: 155-165k samples/s on CPU 0,
// 185-195k on CPU 1, whichever one a process happened to start on; SGEMM 92 vs 99 GFLOP/s), which
// moved one-thread ratios by up to 20% from run to run. Two-thread figures use both CPUs, unpinned.
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { loadNative } from '../dist/backend/native';
import * as bp from '../dist/index';

/** The CPU that one-thread runs are pinned to: the last one. */
export const PIN_CPU = os.cpus().length - 1;

const haveTaskset = spawnSync('taskset', ['-V'], { encoding: 'utf8' }).status === 0;

/**
 * The command and arguments that run `bin args` on PIN_CPU when threads is 1, and on every CPU
 * otherwise (util-linux's taskset): a child inherits the CPUs of the thread that starts it, and ours
 * may be pinned at the time.
 */
export function pinned(threads: number, bin: string, args: string[]): [string, string[]] {
  if (!haveTaskset) return [bin, args];
  return ['taskset', ['-c', threads === 1 ? String(PIN_CPU) : `0-${PIN_CPU}`, bin, ...args]];
}

/**
 * Sets our thread count, pinning this (the calling) thread to PIN_CPU for one thread and unpinning
 * it before the pool starts workers for more (workers inherit the calling thread's CPUs; fit's
 * epochs, which run on a libuv thread, take the calling thread's CPUs for their time). Returns
 * whether one-thread runs are pinned.
 */
export function useThreads(threads: number): boolean {
  const pin = (loadNative().backend as { pinThread?: (cpu: number) => boolean } | null)?.pinThread;
  const ok = pin ? pin(threads === 1 ? PIN_CPU : -1) : false;
  bp.setNumThreads(threads);
  return ok && threads === 1;
}

/** Whether one-thread runs of the peers' processes are pinned (taskset present). */
export const peersPinned = haveTaskset;
