import { aDeployment, at, T0 } from './deployment.fixtures';
import { decideNextStep, type DeploymentPolicy } from './decide-next-step';
import type { Checkpoints, Deployment } from './deployment';
import { calculatePhase } from './phase';

const policy: DeploymentPolicy = { progressDeadlineSeconds: 600, scaleDownDelaySeconds: 30 };
const decide = (d: Deployment, nowSeconds = 1) => decideNextStep(d, policy, T0 + nowSeconds * 1000);
const reached = (...names: (keyof Checkpoints)[]): Checkpoints => Object.fromEntries(names.map((n) => [n, at(0)]));
const promoteAttempt = {
  step: 'promote' as const,
  attempt: 1,
  startedAt: at(0),
  status: 'running' as const,
  message: '',
};

describe('decideNextStep, forward', () => {
  const forward: [string, Checkpoints, Partial<Deployment>, string, string][] = [
    ['a new deployment provisions', {}, {}, 'run', 'provision'],
    ['capacity ready → deploy', reached('profileReady'), {}, 'run', 'deploy'],
    ['workload ready → smoke test', reached('profileReady', 'workloadReady'), {}, 'run', 'smoke-test'],
    [
      'smoke passed + autoPromote → promote',
      reached('profileReady', 'workloadReady', 'smokePassed'),
      {},
      'run',
      'promote',
    ],
    [
      'smoke passed without autoPromote → wait',
      reached('profileReady', 'workloadReady', 'smokePassed'),
      { autoPromote: false },
      'wait',
      '',
    ],
    [
      'smoke passed + approved → promote',
      reached('profileReady', 'workloadReady', 'smokePassed', 'promotionApproved'),
      { autoPromote: false },
      'run',
      'promote',
    ],
    ['flipped → verify', reached('profileReady', 'workloadReady', 'smokePassed', 'edgeFlipped'), {}, 'run', 'verify'],
    [
      'verified, no blue → retire nothing at once',
      reached('profileReady', 'workloadReady', 'smokePassed', 'edgeFlipped', 'edgeVerified'),
      { blue: null },
      'run',
      'scale-down-blue',
    ],
    [
      'everything reached → finish',
      reached('profileReady', 'workloadReady', 'smokePassed', 'edgeFlipped', 'edgeVerified', 'blueRetired'),
      {},
      'finish',
      '',
    ],
  ];
  it.each(forward.map(([name, checkpoints, over, kind, step]) => ({ name, checkpoints, over, kind, step })))(
    '$name',
    ({ checkpoints, over, kind, step }) => {
      const decision = decide(aDeployment({ checkpoints, ...over }));
      expect(decision.kind).toBe(kind);
      if (step) expect(decision).toMatchObject({ step });
      expect(decision.reason.length).toBeGreaterThan(5);
    },
  );

  it('keeps blue up for the scale-down delay, then retires it', () => {
    const d = aDeployment({
      checkpoints: { ...reached('profileReady', 'workloadReady', 'smokePassed', 'edgeFlipped'), edgeVerified: at(10) },
    });
    expect(decide(d, 39)).toEqual({ kind: 'wait', reason: expect.stringMatching(/blue v1 stays up/), until: at(40) });
    expect(decide(d, 40)).toMatchObject({ kind: 'run', step: 'scale-down-blue' });
  });

  it('counts the scale-down deadline from the end of the delay, not from verification', () => {
    const d = aDeployment({
      checkpoints: { ...reached('profileReady', 'workloadReady', 'smokePassed', 'edgeFlipped'), edgeVerified: at(10) },
      progressAt: at(10),
    });
    expect(decideNextStep(d, { progressDeadlineSeconds: 60, scaleDownDelaySeconds: 100 }, T0 + 150_000)).toMatchObject({
      kind: 'run',
    });
    expect(decideNextStep(d, { progressDeadlineSeconds: 60, scaleDownDelaySeconds: 100 }, T0 + 171_000)).toMatchObject({
      kind: 'fail',
      step: 'scale-down-blue',
    });
  });

  it('fails a step that made no progress within the deadline, quoting its last message', () => {
    const d = aDeployment({
      checkpoints: reached('profileReady'),
      steps: [
        {
          step: 'deploy',
          attempt: 3,
          startedAt: at(500),
          endedAt: at(501),
          status: 'waiting',
          message: 'pods pending: ImagePullBackOff',
        },
      ],
    });
    expect(decide(d, 600)).toMatchObject({ kind: 'run', step: 'deploy' });
    expect(decide(d, 601)).toEqual({
      kind: 'fail',
      step: 'deploy',
      reason: 'deploy made no progress for 600s (progress deadline); last: pods pending: ImagePullBackOff',
    });
  });

  it('never times out a human: awaiting promotion waits past the deadline', () => {
    const d = aDeployment({ autoPromote: false, checkpoints: reached('profileReady', 'workloadReady', 'smokePassed') });
    expect(decide(d, 100_000).kind).toBe('wait');
  });

  it('honours a step asking to be looked at later', () => {
    const d = aDeployment({ nextAttemptAt: at(5) });
    expect(decide(d, 4)).toEqual({ kind: 'wait', reason: expect.any(String), until: at(5) });
    expect(decide(d, 5)).toMatchObject({ kind: 'run', step: 'provision' });
  });

  it.each([
    ['provision', {}, 'deploy'],
    ['deploy', reached('profileReady', 'workloadReady'), 'smoke-test'],
    ['smoke-test', reached('profileReady', 'workloadReady', 'smokePassed'), 'promote'],
    ['promote', reached('profileReady', 'workloadReady', 'smokePassed', 'edgeFlipped', 'edgeVerified'), 'cleanup'],
  ] as const)('a step-by-step caller allowed through %s waits before the %s gate', (allowed, checkpoints, nextGate) => {
    const d = aDeployment({ allowedThrough: allowed, checkpoints: { ...checkpoints }, progressAt: at(0) });
    const decision = decide(d, 100);
    if (allowed === 'provision') {
      expect(decision).toMatchObject({ kind: 'run', step: 'provision' });
      expect(decide(aDeployment({ allowedThrough: allowed, checkpoints: reached('profileReady') }))).toEqual({
        kind: 'wait',
        reason: `waiting for the ${nextGate} step to be requested`,
      });
    } else {
      expect(decision).toEqual({ kind: 'wait', reason: `waiting for the ${nextGate} step to be requested` });
    }
  });
});

describe('decideNextStep, unwinding', () => {
  const failed = (checkpoints: Checkpoints, extra: Partial<Deployment> = {}) =>
    aDeployment({ checkpoints, outcome: { phase: 'Failed', reason: 'smoke failed', at: at(0) }, ...extra });

  it('before the flip: tears green down, never touches the edge', () => {
    expect(decide(failed(reached('profileReady', 'workloadReady')))).toMatchObject({
      kind: 'run',
      step: 'retire-green',
    });
  });

  it('after the flip: restores the edge first, then tears green down, then finishes', () => {
    const flipped = reached('profileReady', 'workloadReady', 'smokePassed', 'edgeFlipped');
    const rolledBack = (c: Checkpoints) =>
      aDeployment({ checkpoints: c, outcome: { phase: 'RolledBack', reason: 'verify failed', at: at(0) } });
    expect(decide(rolledBack(flipped))).toMatchObject({
      kind: 'run',
      step: 'restore-edge',
      reason: expect.stringMatching(/back on v1/),
    });
    expect(decide(rolledBack({ ...flipped, edgeRestored: at(1) }))).toMatchObject({
      kind: 'run',
      step: 'retire-green',
    });
    expect(decide(rolledBack({ ...flipped, edgeRestored: at(1), greenRetired: at(2) }))).toMatchObject({
      kind: 'finish',
    });
  });

  it('restores the edge when a promote was started but not confirmed (the flip may have landed)', () => {
    expect(
      decide(failed(reached('profileReady', 'workloadReady', 'smokePassed'), { steps: [promoteAttempt] })),
    ).toMatchObject({ step: 'restore-edge' });
  });

  it('never gives up restoring the edge, but gives up tearing green down after the deadline', () => {
    const flipped = failed(reached('profileReady', 'workloadReady', 'smokePassed', 'edgeFlipped'));
    expect(decide(flipped, 100_000)).toMatchObject({ kind: 'run', step: 'restore-edge' });
    const restored = failed({ ...reached('profileReady', 'workloadReady'), edgeRestored: at(0) });
    expect(decide(restored, 601)).toMatchObject({
      kind: 'finish',
      reason: expect.stringMatching(/may need manual cleanup/),
    });
  });

  it('a finished deployment does nothing, however often asked', () => {
    expect(decide(aDeployment({ finishedAt: at(3) }))).toMatchObject({ kind: 'idle' });
  });
});

describe('calculatePhase', () => {
  const phaseOf = (checkpoints: Checkpoints, over: Partial<Deployment> = {}) =>
    calculatePhase(aDeployment({ checkpoints, ...over }));
  it('derives every forward phase from checkpoints', () => {
    expect(phaseOf({})).toBe('Pending');
    expect(phaseOf({}, { steps: [{ ...promoteAttempt, step: 'provision' }] })).toBe('Provisioning');
    expect(phaseOf(reached('profileReady'))).toBe('Deploying');
    expect(phaseOf(reached('profileReady', 'workloadReady'))).toBe('SmokeTesting');
    expect(phaseOf(reached('profileReady', 'workloadReady', 'smokePassed'), { autoPromote: false })).toBe(
      'AwaitingPromotion',
    );
    expect(phaseOf(reached('profileReady', 'workloadReady', 'smokePassed'))).toBe('Promoting');
    expect(phaseOf(reached('profileReady', 'workloadReady', 'smokePassed', 'edgeFlipped'))).toBe('Verifying');
    expect(phaseOf(reached('profileReady', 'workloadReady', 'smokePassed', 'edgeFlipped', 'edgeVerified'))).toBe(
      'ScalingDownBlue',
    );
    expect(
      phaseOf(reached('profileReady', 'workloadReady', 'smokePassed', 'edgeFlipped', 'edgeVerified', 'blueRetired')),
    ).toBe('Succeeded');
  });
  it.each(['Failed', 'Aborted', 'RolledBack'] as const)('shows the outcome %s as soon as it is known', (phase) => {
    expect(
      phaseOf(reached('profileReady', 'workloadReady', 'smokePassed', 'edgeFlipped'), {
        outcome: { phase, reason: 'x', at: at(0) },
      }),
    ).toBe(phase);
  });
});
