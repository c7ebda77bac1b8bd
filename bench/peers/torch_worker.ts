// PyTorch as a peer process (peers/torch_workloads.py in server mode), one per thread count.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { pinned } from '../pin';
import { PeerWorker } from './peer_worker';

const PYTHON = '/usr/bin/python3';

/** Whether Debian's python3 can import torch. */
export function torchAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

export class TorchWorker extends PeerWorker {
  /** False when OpenBLAS's core type is forced: then it is not PyTorch as a user runs it. */
  readonly idiomatic: boolean;

  /**
   * coreType forces the OpenBLAS kernels torch's GEMMs run (OPENBLAS_CORETYPE): Debian's OpenBLAS
   * 0.3.21 takes a Zen 5 for a Haswell and runs AVX2 kernels; 'SKYLAKEX' gives it its AVX-512 ones.
   * Its series are named `PyTorch 1t`, or `PyTorch avx512 1t` with the core type forced.
   */
  constructor(readonly threads: number, quick: boolean, coreType?: string) {
    // Every pool torch may use is capped before it is imported (WORKLOADS.md).
    const n = String(threads);
    const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n };
    if (coreType) env.OPENBLAS_CORETYPE = coreType;
    super(`PyTorch ${coreType ? 'avx512 ' : ''}${threads}t`, pinned(threads, PYTHON, [path.join(__dirname, 'torch_workloads.py'), n, quick ? 'quick' : 'full']), env);
    this.idiomatic = !coreType;
  }
}
