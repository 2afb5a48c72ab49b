import type { DeploymentView } from './api-types';
import type { DeploymentProgress, ProgressChange } from './deployment-progress';
import type { Writer } from './format';
import { describeChange, headline, type ProgressPrinter, type Summary } from './progress-printer';

/** For CI logs and pipes: one line per thing that happened, each prefixed with an ISO timestamp. */
export class PlainPrinter implements ProgressPrinter {
  constructor(
    private readonly out: Writer,
    private readonly now: () => Date = () => new Date(),
  ) {}

  begin(d: DeploymentView): void {
    this.line(headline(d));
  }

  update(change: ProgressChange, _progress: DeploymentProgress): void {
    const text = describeChange(change);
    if (text !== undefined) this.line(text, change.at);
  }

  note(message: string): void {
    this.line(message);
  }

  end(summary: Summary): void {
    this.line(summary.text);
  }

  private line(text: string, at?: string): void {
    const stamp = at && !Number.isNaN(Date.parse(at)) ? at : this.now().toISOString();
    this.out.write(`${stamp}  ${text}\n`);
  }
}
