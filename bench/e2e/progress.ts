/** A one-line progress bar on a terminal; a line every few seconds when output is a file or a pipe. */
export class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private lastPrint = 0;
  private readonly started = Date.now();

  constructor(private readonly label: string, private total: number) {}

  setTotal(total: number): void {
    this.total = total;
  }

  update(done: number, extra = ''): void {
    const now = Date.now();
    if (!this.tty && now - this.lastPrint < 5_000) return;
    if (this.tty && now - this.lastPrint < 100) return;
    this.lastPrint = now;
    this.print(done, extra);
  }

  finish(done: number, extra = ''): void {
    this.print(done, extra);
    if (this.tty) process.stderr.write('\n');
  }

  private print(done: number, extra: string): void {
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 0;
    const width = 28;
    const filled = Math.round(frac * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    const line = `  ${this.label.padEnd(26)} ${bar} ${String(Math.round(frac * 100)).padStart(3)}% ${done}/${this.total} ${secs}s ${extra}`;
    if (this.tty) process.stderr.write(`\r${line.slice(0, (process.stderr.columns ?? 160) - 1).padEnd(Math.min(process.stderr.columns ?? 160, 160) - 1)}`);
    else process.stderr.write(`${line}\n`);
  }
}
