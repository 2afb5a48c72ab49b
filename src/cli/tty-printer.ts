import type { DeploymentView } from './api-types';
import { durationMs, type DeploymentProgress, type ProgressChange, type StepProgress } from './deployment-progress';
import { formatDuration, oneLine } from './format';
import { headline, type ProgressPrinter, type Summary } from './progress-printer';

export interface TtyWriter {
  write(chunk: string): unknown;
  columns?: number;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TICK_MS = 120;

/** For a person at a terminal: a live list of steps, redrawn in place with ANSI escapes. */
export class TtyPrinter implements ProgressPrinter {
  private header = '';
  private progress: DeploymentProgress | undefined;
  private noteText = '';
  private drawnLines = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: TtyWriter,
    private readonly color = true,
    private readonly now: () => number = Date.now,
  ) {}

  begin(d: DeploymentView): void {
    this.header = headline(d);
    this.draw();
    this.timer = setInterval(() => {
      if (!this.progress?.steps.some((s) => s.state === 'running' || s.state === 'waiting')) return;
      this.frame++;
      this.draw();
    }, TICK_MS);
    this.timer.unref();
  }

  update(_change: ProgressChange, progress: DeploymentProgress): void {
    this.progress = progress;
    this.noteText = '';
    this.draw();
  }

  note(message: string): void {
    this.noteText = message;
    this.draw();
  }

  end(summary: Summary): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.noteText = '';
    this.draw();
    const mark = summary.ok ? this.paint('32', '✓') : this.paint('31', '✗');
    this.out.write(`${mark} ${summary.text}\n`);
  }

  private draw(): void {
    const width = Math.max(20, (this.out.columns || 100) - 1);
    const lines = [this.header, ...(this.progress?.steps ?? []).map((s) => this.stepLine(s))];
    if (this.progress?.phase) lines.push(`  phase ${this.progress.phase}`);
    if (this.noteText) lines.push(`  ${this.paint('33', this.noteText)}`);
    // Up to the first line of the previous drawing, clear below, draw again; lines never wrap.
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F\x1b[0J` : '';
    this.out.write(up + lines.map((l) => truncate(l, width)).join('\n') + '\n');
    this.drawnLines = lines.length;
  }

  private stepLine(s: StepProgress): string {
    const spinner = SPINNER[this.frame % SPINNER.length] ?? '*';
    const mark = {
      running: this.paint('36', spinner),
      waiting: this.paint('33', spinner),
      succeeded: this.paint('32', '✓'),
      failed: this.paint('31', '✗'),
    }[s.state];
    const ms = s.endedAt
      ? durationMs(s.startedAt, s.endedAt)
      : s.startedAt
        ? Math.max(0, this.now() - Date.parse(s.startedAt))
        : undefined;
    const message = s.message ? oneLine(s.message) : '';
    return `  ${mark} ${s.step.padEnd(15)} ${this.paint('2', formatDuration(ms).padStart(6))}  ${message}`;
  }

  private paint(code: string, text: string): string {
    return this.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }
}

/** Cuts a line to `width` visible characters, keeping ANSI colour codes intact. */
export function truncate(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\x1b') {
      const end = line.indexOf('m', i);
      if (end !== -1) {
        out += line.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (visible >= width) {
      out += '\x1b[0m';
      break;
    }
    out += line[i];
    visible++;
  }
  return out;
}
