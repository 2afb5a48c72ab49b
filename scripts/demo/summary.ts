import type { FlipTimes, StepTiming } from '../bench/flip-report';
import type { LoadReport } from '../support/load';
import type { CliRun } from './run-cli';

// The demo's closing summary, pure so it is easy to read and to check.

export interface DeploymentFigures {
  label: string;
  id: string;
  phase: string;
  steps: StepTiming[];
  flip?: FlipTimes;
}

export interface DemoOutcome {
  traffic: Pick<LoadReport, 'sent' | 'failed' | 'byRelease' | 'failures'>;
  commands: CliRun[];
  deployments: DeploymentFigures[];
  served: string | undefined;
  expectServed: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The lines to print, and whether the demo did what it set out to (every command 0, no failed request). */
export function summarize(o: DemoOutcome): { lines: string[]; ok: boolean } {
  const lines = ['', '── summary ' + '─'.repeat(60)];
  const answered = Object.entries(o.traffic.byRelease).map(([r, n]) => `${r} ${n}`);
  lines.push(
    `traffic: ${o.traffic.sent} requests sent through the edge, ${o.traffic.failed} failed (answered by ${answered.join(', ') || 'none'})`,
  );
  for (const f of o.traffic.failures) lines.push(`  failure: ${f}`);
  lines.push('commands:');
  const width = Math.max(0, ...o.commands.map((c) => c.command.length));
  for (const c of o.commands) lines.push(`  ${c.command.padEnd(width)} ${seconds(c.ms).padStart(9)}  exit ${c.code}`);
  const names = [...new Set(o.deployments.flatMap((d) => d.steps.map((s) => s.step)))];
  lines.push(`step durations, first start to done (attempts):`);
  lines.push(`  ${'step'.padEnd(18)}${o.deployments.map((d) => d.label.padStart(22)).join('')}`);
  for (const step of names) {
    const cells = o.deployments.map((d) => {
      const t = d.steps.find((s) => s.step === step);
      return (t ? `${seconds(t.wallMs)} (${t.attempts})` : '-').padStart(22);
    });
    lines.push(`  ${step.padEnd(18)}${cells.join('')}`);
  }
  lines.push('edge flips (from the promote step starting):');
  for (const d of o.deployments) {
    const f = d.flip;
    const text = f
      ? `edge flipped after ${f.flipped - f.promoteStart} ms, verified after ${f.verified - f.promoteStart} ms`
      : 'no flip';
    lines.push(`  ${d.label.padEnd(18)}${text}   (deployment ${d.id}, ${d.phase})`);
  }
  lines.push(`the edge now serves: ${o.served ?? 'nothing'} (expected ${o.expectServed})`);
  const ok = o.commands.every((c) => c.code === 0) && o.traffic.failed === 0 && o.served === o.expectServed;
  lines.push(ok ? 'demo: OK' : 'demo: FAILED (see above)');
  return { lines, ok };
}
