// Progress reporting on stderr: a live bar on a TTY, one line per epoch otherwise.

export class Progress {
  private readonly tty: boolean;
  private lastDraw = 0;
  constructor(private readonly enabled: boolean, private readonly epochs: number, private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(out.isTTY);
  }

  /** True when batch() draws anything (a TTY): callers can skip work that only feeds the bar. */
  get live(): boolean {
    return this.enabled && this.tty;
  }

  batch(epoch: number, done: number, total: number, loss: number, samplesPerSec: number): void {
    if (!this.enabled || !this.tty) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round((width * done) / total);
    const bar = '='.repeat(Math.max(0, filled - 1)) + (filled ? '>' : '') + '.'.repeat(width - filled);
    const lossText = Number.isFinite(loss) ? ` loss ${loss.toFixed(4)}` : '';
    this.out.write(`\rEpoch ${epoch + 1}/${this.epochs} [${bar}] ${done}/${total}${lossText} ${Math.round(samplesPerSec)} samples/s`);
  }

  epoch(epoch: number, logs: Record<string, number>, seconds: number): void {
    if (!this.enabled) return;
    const parts = Object.entries(logs).map(([k, v]) => `${k} ${v.toFixed(4)}`);
    const line = `Epoch ${epoch + 1}/${this.epochs} - ${seconds.toFixed(1)}s - ${parts.join(' - ')}`;
    this.out.write(this.tty ? `\r${line}\x1b[K\n` : `${line}\n`);
  }
}
