// TensorFlow.js as a peer process (peers/tfjs.ts in server mode), one per backend, on every CPU.
import * as path from 'node:path';
import { pinned } from '../pin';
import { PeerWorker } from './peer_worker';

export class TfjsWorker extends PeerWorker {
  /** Its series are named `tfjs cpu` or `tfjs wasm`. */
  constructor(readonly backend: 'cpu' | 'wasm', quick: boolean) {
    const tsx = require.resolve('tsx/cli');
    super(`tfjs ${backend}`, pinned(2, process.execPath, [tsx, path.join(__dirname, 'tfjs.ts'), backend, quick ? 'quick' : 'full']));
  }
}
