// Work queued during a backward() to run once that backward has put every gradient in place
// (torch's Variable._execution_engine.queue_callback): how a DistributedDataParallel averages its
// parameters' gradients after the backward that made them, before backward() returns. A backward
// inside a backward (checkpoint's recomputation) runs its callbacks with the outer one's, at the end.

let depth = 0;
const queued: (() => void)[] = [];

/** @internal Queues fn to run when the backward() now running ends; false (nothing queued) when none runs. */
export function queueBackwardCallback(fn: () => void): boolean {
  if (depth === 0) return false;
  queued.push(fn);
  return true;
}

/** @internal Runs body as a backward(): the callbacks it queued run after it, in order, unless it threw. */
export function asBackward(body: () => void): void {
  depth++;
  try {
    body();
  } catch (e) {
    if (--depth === 0) queued.length = 0;
    throw e;
  }
  if (--depth > 0) return;
  // One callback failing drops the rest (the backward failed), as an exception in the walk would.
  try {
    for (let k = 0; k < queued.length; k++) queued[k]();
  } finally {
    queued.length = 0;
  }
}
