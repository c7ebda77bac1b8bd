// A peer's process kept open for the whole bench run (PyTorch's torch_workloads.py, TensorFlow.js's
// tfjs.ts, each in server mode): the bench writes a workload's name on a line of its stdin and reads
// one JSON line back, the figures of one repetition, so that the peers' repetitions alternate with
// ours and both sides of a ratio come from the same minutes of a host whose speed drifts.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as readline from 'node:readline';

export class PeerWorker {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<{ resolve: (o: Record<string, unknown>) => void; reject: (e: Error) => void }> = [];
  private stderr = '';
  private dead: Error | null = null;
  /** The first line the server prints: its version and settings. */
  readonly ready: Promise<Record<string, unknown>>;

  /**
   * label names its series (`PyTorch 1t`, `tfjs wasm`); command is [program, arguments]; workloads
   * are the ones the server measures (all when omitted).
   */
  constructor(readonly label: string, command: [string, string[]], env: NodeJS.ProcessEnv = process.env,
    private readonly workloads?: readonly string[]) {
    this.proc = spawn(command[0], command[1], { env });
    this.proc.stderr.on('data', (d: Buffer) => { this.stderr = (this.stderr + d.toString()).slice(-2000); });
    this.ready = new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
    readline.createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const w = this.waiting.shift();
      if (!w) return;
      try {
        w.resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        w.reject(new Error(`${this.label} printed a line that is not JSON: ${line.slice(0, 200)}`));
      }
    });
    this.proc.on('exit', (code) => {
      this.dead = new Error(`${this.label} exited (code ${code}): ${this.stderr.slice(-500)}`);
      for (const w of this.waiting.splice(0)) w.reject(this.dead);
    });
  }

  /** Whether the server measures `workload`. */
  serves(workload: string): boolean {
    return !this.workloads || this.workloads.includes(workload);
  }

  /** One repetition of `workload` (or a whole measurement, as the server defines it): its figures by key. */
  measure(workload: string): Promise<Record<string, number>> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.proc.stdin.write(`${workload}\n`);
    }).then((r) => {
      if ('error' in r) throw new Error(`${this.label}: ${String(r.error)}`);
      return r as Record<string, number>;
    });
  }

  close(): void {
    this.proc.stdin.end();
  }
}
