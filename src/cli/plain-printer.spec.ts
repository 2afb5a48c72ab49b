import type { DeploymentView } from './api-types';
import { DeploymentProgress } from './deployment-progress';
import { PlainPrinter } from './plain-printer';
import { FAILING, SUCCEEDING } from './progress.fixtures';

const VIEW = {
  id: 'housing-v2-1',
  app: 'housing',
  release: 'v2',
  kind: 'deploy',
  blue: { release: 'v1', artifact: 'a' },
  phase: 'Pending',
} as DeploymentView;

function print(events = SUCCEEDING): string[] {
  let text = '';
  const printer = new PlainPrinter({ write: (s: string) => (text += s) }, () => new Date('2026-01-01T00:01:00Z'));
  const progress = new DeploymentProgress();
  printer.begin(VIEW);
  for (const e of events) {
    const change = progress.apply(e);
    if (change) printer.update(change, progress);
  }
  printer.end({ ok: true, text: 'Succeeded: app housing serves release v2' });
  return text.trimEnd().split('\n');
}

describe('PlainPrinter', () => {
  it('prints each step as it starts and ends, with its duration and message, each line stamped', () => {
    expect(print()).toEqual([
      '2026-01-01T00:01:00.000Z  deployment housing-v2-1: app housing, release v2 (blue v1), phase Pending',
      '2026-01-01T00:00:00.100Z  step provision started',
      '2026-01-01T00:00:00.150Z  step provision succeeded in 0.1s: nothing to do',
      '2026-01-01T00:00:00.300Z  step deploy started',
      '2026-01-01T00:00:00.350Z  step deploy waiting: starting pid 7',
      '2026-01-01T00:00:01.700Z  step deploy succeeded in 1.4s: ready at :9',
      '2026-01-01T00:00:02.000Z  step smoke-test started',
      '2026-01-01T00:00:02.500Z  step smoke-test succeeded in 0.5s: 10 checks',
      '2026-01-01T00:00:02.500Z  phase AwaitingPromotion: green passed; waiting for promotion',
      '2026-01-01T00:00:03.000Z  promoted by local-operator',
      '2026-01-01T00:00:03.100Z  step promote started',
      '2026-01-01T00:00:03.200Z  step promote succeeded in 0.1s: edge on v2',
      '2026-01-01T00:00:03.300Z  step verify started',
      '2026-01-01T00:00:03.400Z  step verify succeeded in 0.1s: edge serves v2',
      '2026-01-01T00:00:06.400Z  step scale-down-blue started',
      '2026-01-01T00:00:07.000Z  step scale-down-blue succeeded in 0.6s: v1 gone',
      '2026-01-01T00:00:07.100Z  finished: Succeeded',
      '2026-01-01T00:01:00.000Z  Succeeded: app housing serves release v2',
    ]);
  });

  it('prints a failed step with its message, the failed phase with the reason, and unwinding retries', () => {
    const lines = print(FAILING).map((l) => l.slice(26));
    expect(lines).toEqual(
      expect.arrayContaining([
        'step deploy failed after 1.0s: the artifact is not valid JSON',
        'phase Failed: the artifact is not valid JSON',
        'step retire-green failed after 0.1s: still running',
        'step retire-green retrying (attempt 2)',
        'step retire-green succeeded in 2.2s: stopped',
        'finished: Failed',
      ]),
    );
  });

  it('never prints ANSI escapes', () => {
    expect(print().join('\n')).not.toContain(String.fromCharCode(27));
  });
});
