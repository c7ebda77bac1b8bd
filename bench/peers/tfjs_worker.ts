// TensorFlow.js as a peer process (peers/tfjs.ts in server mode), one per backend, on every CPU.
import * as path from 'node:path';
import { pinned } from '../pin';
import { PeerWorker } from './peer_worker';

/** The workloads tfjs.ts measures. */
export const TFJS_WORKLOADS: readonly string[] = ['W1', 'W2', 'W3', 'W5'];

export class TfjsWorker extends PeerWorker {
  /** Its series are named `tfjs cpu` or `tfjs wasm`. */
  constructor(readonly backend: 'cpu' | 'wasm', quick: boolean) {
    const tsx = require.resolve('tsx/cli');
    super(`tfjs ${backend}`, pinned(2, process.execPath, [tsx, path.join(__dirname, 'tfjs.ts'), backend, quick ? 'quick' : 'full']), process.env, TFJS_WORKLOADS);
  }
}
