// A PyTorch process kept open for the whole bench run (peers/torch_workloads.py in server mode), one
// per thread count: the bench asks it for one repetition of a workload at a time, between its own.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { pinned } from '../pin';
import * as path from 'node:path';
import * as readline from 'node:readline';

const PYTHON = '/usr/bin/python3';

/** Whether Debian's python3 can import torch. */
export function torchAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

export class TorchWorker {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<{ resolve: (o: Record<string, number>) => void; reject: (e: Error) => void }> = [];
  private stderr = '';
  private dead: Error | null = null;
  /** The first line the server prints: its torch version. */
  readonly ready: Promise<Record<string, unknown>>;

  /** How its series are named: `PyTorch 1t`, or `PyTorch avx512 1t` with OpenBLAS's core type forced. */
  readonly label: string;
  /** False when OpenBLAS's core type is forced: then it is not PyTorch as a user runs it. */
  readonly idiomatic: boolean;

  /**
   * coreType forces the OpenBLAS kernels torch's GEMMs run (OPENBLAS_CORETYPE): Debian's OpenBLAS
   * 0.3.21 takes a Zen 5 for a Haswell and runs AVX2 kernels; 'SKYLAKEX' gives it its AVX-512 ones.
   */
  constructor(readonly threads: number, quick: boolean, coreType?: string) {
    // Every pool torch may use is capped before it is imported (WORKLOADS.md).
    const n = String(threads);
    const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n };
    if (coreType) env.OPENBLAS_CORETYPE = coreType;
    this.label = `PyTorch ${coreType ? 'avx512 ' : ''}${threads}t`;
    this.idiomatic = !coreType;
    this.proc = spawn(...pinned(threads, PYTHON, [path.join(__dirname, 'torch_workloads.py'), n, quick ? 'quick' : 'full']), { env });
    this.proc.stderr.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-2000); });
    this.ready = new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
    readline.createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const w = this.waiting.shift();
      if (!w) return;
      try {
        w.resolve(JSON.parse(line) as Record<string, number>);
      } catch {
        w.reject(new Error(`${this.label} printed a line that is not JSON: ${line.slice(0, 200)}`));
      }
    });
    this.proc.on('exit', (code) => {
      this.dead = new Error(`${this.label} exited (code ${code}): ${this.stderr.slice(-500)}`);
      for (const w of this.waiting.splice(0)) w.reject(this.dead);
    });
  }

  /** One repetition of `workload` (W1, W2, W3, W5) or a whole measurement (G1, W4): its figures by key. */
  measure(workload: string): Promise<Record<string, number>> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.proc.stdin.write(`${workload}\n`);
    }).then((o) => {
      const r = o as Record<string, number>;
      if ('error' in r) throw new Error(`${this.label}: ${String(r.error)}`);
      return r;
    });
  }

  close(): void {
    this.proc.stdin.end();
  }
}
