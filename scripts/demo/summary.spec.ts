import { summarize, type DemoOutcome } from './summary';

const outcome = (over: Partial<DemoOutcome> = {}): DemoOutcome => ({
  traffic: { sent: 1200, failed: 0, byRelease: { v1: 700, v2: 500 }, failures: [] },
  commands: [{ command: 'cutover deploy v2 --app housing', code: 0, ms: 3400 }],
  deployments: [
    {
      label: 'deploy v2',
      id: 'housing-v2-1',
      phase: 'Succeeded',
      steps: [{ step: 'verify', wallMs: 5140, attempts: 22 }],
      flip: { promoteStart: 1000, flipped: 1060, verified: 6294 },
    },
  ],
  served: 'v1',
  expectServed: 'v1',
  ...over,
});

describe('demo summary', () => {
  it('reports traffic, commands, step durations and flip times, and says OK', () => {
    const { lines, ok } = summarize(outcome());
    expect(ok).toBe(true);
    expect(lines).toContain('traffic: 1200 requests sent through the edge, 0 failed (answered by v1 700, v2 500)');
    expect(lines).toContain('  cutover deploy v2 --app housing    3.40 s  exit 0');
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}verify +5\.14 s \(22\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/edge flipped after 60 ms, verified after 5294 ms/));
    expect(lines.at(-1)).toBe('demo: OK');
  });

  it.each([
    ['a failed request', { traffic: { sent: 10, failed: 1, byRelease: {}, failures: ['502 bad gateway'] } }],
    ['a command that failed', { commands: [{ command: 'cutover promote x --wait', code: 1, ms: 1 }] }],
    ['the wrong release at the end', { served: 'v2' }],
  ])('fails on %s', (_name, over) => {
    const { lines, ok } = summarize(outcome(over));
    expect([ok, lines.at(-1)]).toEqual([false, 'demo: FAILED (see above)']);
  });
});
