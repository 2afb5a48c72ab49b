import { calculatePhase } from '../../../src/deployments/domain/phase';
import { Harness } from './harness';

describe('reconciler, tick by tick against fakes of the three ports', () => {
  it('takes v2 from provision to blue retired, in order, and one more tick does nothing', async () => {
    const h = new Harness({ autoPromote: true });
    await h.withActive('v1');
    const { deployment, created } = await h.deploy('v2');
    expect(created).toBe(true);
    const done = await h.runToEnd(deployment.id);

    expect(calculatePhase(done)).toBe('Succeeded');
    expect(h.world.calls).toEqual([
      'ensureCapacity housing-v2',
      'ensureRunning housing-v2',
      'routeTo housing v2',
      'retire housing-v1',
      'releaseCapacity housing-v1',
    ]);
    expect(h.world.origin?.release).toBe('v2');
    expect([...h.world.running.keys()]).toEqual(['housing-v2']);
    expect(await h.store.getAppState('housing')).toMatchObject({
      active: { release: 'v2' },
      previous: { release: 'v1' },
    });
    // Blue stayed up for the scale-down delay after verification.
    expect(
      Date.parse(done.checkpoints.blueRetired!) - Date.parse(done.checkpoints.edgeVerified!),
    ).toBeGreaterThanOrEqual(30_000);

    const callsBefore = h.world.calls.length;
    expect(await h.reconciler.tick(deployment.id)).toMatchObject({ kind: 'idle' });
    expect(h.world.calls).toHaveLength(callsBefore);
    expect((await h.store.get(deployment.id))!.version).toBe(done.version);
  });

  it('waits in AwaitingPromotion until an operator promotes', async () => {
    const h = new Harness({ autoPromote: false });
    await h.withActive('v1');
    const { deployment } = await h.deploy('v2');
    await h.runUntilPhase(deployment.id, 'AwaitingPromotion');
    for (let i = 0; i < 5; i++) await h.reconciler.tick(deployment.id);
    expect(h.world.origin?.release).toBe('v1');
    expect(calculatePhase((await h.store.get(deployment.id))!)).toBe('AwaitingPromotion');

    await h.service.promote(deployment.id, 'alice');
    const done = await h.runToEnd(deployment.id);
    expect(calculatePhase(done)).toBe('Succeeded');
    expect(h.world.origin?.release).toBe('v2');
    expect(h.store.allEvents().some((e) => e.type === 'promoted' && e.data.by === 'alice')).toBe(true);
  });

  it('deploys the very first release with no blue', async () => {
    const h = new Harness({ autoPromote: true });
    const { deployment } = await h.deploy('v1');
    const done = await h.runToEnd(deployment.id);
    expect(calculatePhase(done)).toBe('Succeeded');
    expect(h.world.calls).toEqual(['ensureCapacity housing-v1', 'ensureRunning housing-v1', 'routeTo housing v1']);
  });
});

describe('failure at each step leads where DESIGN.md says', () => {
  const beforeFlip: [string, (h: Harness) => void][] = [
    [
      'provision',
      (h) =>
        h.world.script.push('ensureCapacity housing-v2', {
          status: 'failed',
          message: 'CREATE_FAILED: subnet not private',
        }),
    ],
    [
      'deploy',
      (h) =>
        h.world.script.push('ensureRunning housing-v2', {
          status: 'failed',
          message: 'model artifact is not valid JSON',
        }),
    ],
    ['smoke-test', (h) => (h.smokePasses = false)],
  ];

  it.each(beforeFlip)('%s fails → Failed, green torn down, blue serving, edge untouched', async (step, breakIt) => {
    const h = new Harness({ autoPromote: true });
    await h.withActive('v1');
    breakIt(h);
    const { deployment } = await h.deploy('v2');
    const done = await h.runToEnd(deployment.id);
    expect(calculatePhase(done)).toBe('Failed');
    expect(done.outcome).toMatchObject({ phase: 'Failed', step });
    expect(h.world.calls.filter((c) => c.startsWith('routeTo'))).toEqual([]);
    expect(h.world.origin?.release).toBe('v1');
    expect([...h.world.running.keys()]).toEqual(['housing-v1']);
    expect(h.world.capacity.has('housing-v2')).toBe(false);
    expect(await h.store.getAppState('housing')).toMatchObject({ active: { release: 'v1' } });
    if (step === 'smoke-test') expect(done.smoke).toMatchObject({ passed: false });
  });

  it('promote fails → the edge is restored to blue (the flip may have landed) and green torn down', async () => {
    const h = new Harness({ autoPromote: true });
    await h.withActive('v1');
    h.world.script.push('routeTo housing v2', {
      status: 'failed',
      message: 'UPDATE_ROLLBACK_COMPLETE: origin unreachable',
    });
    const { deployment } = await h.deploy('v2');
    const done = await h.runToEnd(deployment.id);
    expect(done.outcome).toMatchObject({ phase: 'Failed', step: 'promote' });
    expect(h.world.calls).toContain('routeTo housing v1');
    expect(h.world.origin?.release).toBe('v1');
    expect(h.world.running.has('housing-v2')).toBe(false);
  });

  it('verification fails after the flip → RolledBack: edge back on blue, which still runs; green torn down', async () => {
    const h = new Harness({ autoPromote: true });
    await h.withActive('v1');
    const { deployment } = await h.deploy('v2');
    await h.runUntilPhase(deployment.id, 'Verifying');
    // The edge keeps answering with blue: green never propagates.
    h.world.origin = { release: 'v1', endpoint: 'http://127.0.0.1:8999' };
    const verifyStuck = { ...h.world.origin };
    const done = await h.runToEnd(deployment.id, { stepSeconds: 5 });
    expect(verifyStuck.release).toBe('v1');
    expect(done.outcome).toMatchObject({
      phase: 'RolledBack',
      step: 'verify',
      reason: expect.stringMatching(/serves v1 30s after the flip/),
    });
    expect(calculatePhase(done)).toBe('RolledBack');
    expect(h.world.origin?.release).toBe('v1');
    expect(h.world.running.has('housing-v1')).toBe(true);
    expect(h.world.running.has('housing-v2')).toBe(false);
    expect(await h.store.getAppState('housing')).toMatchObject({ active: { release: 'v1' }, previous: null });
  });

  it('errors through the edge during the verification window → RolledBack at once, edge back on blue', async () => {
    const h = new Harness({ autoPromote: true });
    await h.withActive('v1');
    const { deployment } = await h.deploy('v2');
    await h.runUntilPhase(deployment.id, 'Verifying');
    h.verificationFails = true;
    const done = await h.runToEnd(deployment.id);
    expect(done.outcome).toMatchObject({
      phase: 'RolledBack',
      step: 'verify',
      reason: expect.stringMatching(/20 of 20 requests through the edge failed.*503 upstream broken/),
    });
    expect(done.verification).toMatchObject({ samples: 20, errors: 20 });
    expect(h.world.origin?.release).toBe('v1');
    expect(h.world.running.has('housing-v2')).toBe(false);
  });

  it("an app's first release failing verification finishes: nothing to go back to, so what users have stays up", async () => {
    const h = new Harness({ autoPromote: true });
    const { deployment } = await h.deploy('v1');
    await h.runUntilPhase(deployment.id, 'Verifying');
    h.verificationFails = true;
    const done = await h.runToEnd(deployment.id);
    expect(done.outcome).toMatchObject({ phase: 'RolledBack', step: 'verify' });
    expect(h.world.origin?.release).toBe('v1');
    expect(h.world.running.has('housing-v1')).toBe(true);
  });

  it('a step that never converges fails at the progress deadline with its last message', async () => {
    const h = new Harness({ autoPromote: true, progressDeadlineSeconds: 60 });
    await h.withActive('v1');
    for (let i = 0; i < 100; i++)
      h.world.script.push('ensureRunning housing-v2', {
        status: 'progressing',
        message: 'pods pending: ImagePullBackOff',
        retryAfterSeconds: 5,
      });
    const { deployment } = await h.deploy('v2');
    const done = await h.runToEnd(deployment.id, { stepSeconds: 5 });
    expect(done.outcome).toMatchObject({
      phase: 'Failed',
      step: 'deploy',
      reason: expect.stringMatching(/no progress for 60s.*ImagePullBackOff/),
    });
    expect(h.world.origin?.release).toBe('v1');
  });

  it('an exception thrown by an adapter is retried, not fatal', async () => {
    const h = new Harness({ autoPromote: true });
    await h.withActive('v1');
    const original = h.world.compute.ensureCapacity;
    let calls = 0;
    h.world.compute.ensureCapacity = async (t) =>
      ++calls === 1 ? Promise.reject(new Error('socket hang up')) : original(t);
    const { deployment } = await h.deploy('v2');
    const done = await h.runToEnd(deployment.id);
    expect(calculatePhase(done)).toBe('Succeeded');
    expect(done.steps.find((s) => s.step === 'provision')?.message).toMatch(/unexpected error: socket hang up/);
  });
});

describe('operator actions', () => {
  it('abort while awaiting promotion leaves blue serving and no green', async () => {
    const h = new Harness();
    await h.withActive('v1');
    const { deployment } = await h.deploy('v2');
    await h.runUntilPhase(deployment.id, 'AwaitingPromotion');
    await h.service.abort(deployment.id, 'bob');
    const done = await h.runToEnd(deployment.id);
    expect(done.outcome).toMatchObject({ phase: 'Aborted', by: 'bob' });
    expect(h.world.origin?.release).toBe('v1');
    expect([...h.world.running.keys()]).toEqual(['housing-v1']);
    await expect(h.service.abort(deployment.id, 'bob')).resolves.toMatchObject({ id: deployment.id });
  });

  it('rollback during the scale-down delay is a flip back to the still-running blue', async () => {
    const h = new Harness({ autoPromote: true, scaleDownDelaySeconds: 300 });
    await h.withActive('v1');
    const { deployment } = await h.deploy('v2');
    await h.runUntilPhase(deployment.id, 'ScalingDownBlue');
    const { deployment: same, created } = await h.service.rollback('housing', undefined, 'carol');
    expect([same.id, created]).toEqual([deployment.id, false]);
    const done = await h.runToEnd(deployment.id);
    expect(done.outcome).toMatchObject({ phase: 'RolledBack', by: 'carol' });
    expect(h.world.origin?.release).toBe('v1');
    expect(h.world.calls.filter((c) => c.startsWith('ensureRunning housing-v1'))).toEqual([]);
    expect(await h.store.getAppState('housing')).toMatchObject({ active: { release: 'v1' } });
  });

  it('rollback after blue retired redeploys the previous release from its recorded artifact', async () => {
    const h = new Harness({ autoPromote: true });
    await h.withActive('v1');
    const first = await h.deploy('v2');
    await h.runToEnd(first.deployment.id);
    const { deployment, created } = await h.service.rollback('housing', undefined, 'carol');
    expect(created).toBe(true);
    expect(deployment).toMatchObject({
      kind: 'rollback',
      release: 'v1',
      artifact: 'predictor/models/v1.json',
      blue: { release: 'v2' },
    });
    const done = await h.runToEnd(deployment.id);
    expect(calculatePhase(done)).toBe('Succeeded');
    expect(h.world.origin?.release).toBe('v1');
    expect([...h.world.running.keys()]).toEqual(['housing-v1']);
  });

  it('rollback with nothing to go back to says so', async () => {
    const h = new Harness();
    await h.withActive('v1');
    await expect(h.service.rollback('housing', undefined, 'carol')).rejects.toMatchObject({
      code: 'NO_PREVIOUS_RELEASE',
    });
  });
});

describe('release gates that are not critical', () => {
  it('hold the deployment, even with autoPromote, until an operator overrides; the override is recorded', async () => {
    const h = new Harness({ autoPromote: true });
    await h.withActive('v1');
    h.shiftFails = true;
    const { deployment } = await h.deploy('v2');
    await h.runUntilPhase(deployment.id, 'AwaitingPromotion');
    for (let i = 0; i < 5; i++) await h.reconciler.tick(deployment.id);
    expect(h.world.origin?.release).toBe('v1');
    await expect(h.service.promote(deployment.id, 'dana')).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { failedGates: ['prediction-shift'] },
    });
    await h.service.promote(deployment.id, 'dana', { override: true, reason: 'new seed' });
    const done = await h.runToEnd(deployment.id);
    expect(done).toMatchObject({
      approvedBy: 'dana',
      override: { by: 'dana', gates: ['prediction-shift'], reason: 'new seed' },
    });
    expect(h.world.origin?.release).toBe('v2');
  });

  it('an operator can re-run the smoke test of a waiting deployment; a pass then promotes on its own', async () => {
    const h = new Harness({ autoPromote: true });
    await h.withActive('v1');
    h.shiftFails = true;
    const { deployment } = await h.deploy('v2');
    await h.runUntilPhase(deployment.id, 'AwaitingPromotion');
    expect(h.smokeRuns).toBe(1);
    h.shiftFails = false;
    await h.service.rerunSmokeTest(deployment.id, 'dana');
    const done = await h.runToEnd(deployment.id);
    expect(h.smokeRuns).toBe(2);
    expect(calculatePhase(done)).toBe('Succeeded');
    expect(h.world.origin?.release).toBe('v2');
    await expect(h.service.rerunSmokeTest(deployment.id, 'dana')).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
  });
});

describe('one deployment in flight per app', () => {
  it('the same release again answers with the one in flight; another release gets DEPLOYMENT_IN_FLIGHT naming it', async () => {
    const h = new Harness();
    await h.withActive('v1');
    const first = await h.deploy('v2');
    const again = await h.deploy('v2');
    expect([again.created, again.deployment.id]).toEqual([false, first.deployment.id]);
    await expect(h.deploy('v3')).rejects.toMatchObject({
      code: 'DEPLOYMENT_IN_FLIGHT',
      details: { inFlight: { id: first.deployment.id, release: 'v2' } },
    });
  });

  it('supersede aborts the one in flight, tears its green down, and starts the new one', async () => {
    const h = new Harness();
    await h.withActive('v1');
    const first = await h.deploy('v2');
    await h.runUntilPhase(first.deployment.id, 'AwaitingPromotion');
    const second = await h.deploy('v3', { supersede: true });
    expect(second.created).toBe(true);
    expect((await h.store.get(first.deployment.id))!.outcome).toMatchObject({
      phase: 'Aborted',
      reason: 'superseded by release v3',
    });
    expect(h.world.running.has('housing-v2')).toBe(false);
  });

  it('refuses a release that is already active', async () => {
    const h = new Harness();
    await h.withActive('v1');
    await expect(h.deploy('v1')).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
  });
});

describe('step-by-step callers (CircleCI)', () => {
  it('runs only the steps requested, in order; out of order is refused naming the step that must come first', async () => {
    const h = new Harness();
    await h.withActive('v1');
    const { deployment } = await h.deploy('v2', { stepwise: true });
    for (let i = 0; i < 3; i++) await h.reconciler.tick(deployment.id);
    expect(h.world.calls).toEqual([]);
    await expect(h.service.requestStep(deployment.id, 'deploy', 'ci')).rejects.toMatchObject({
      code: 'STEP_OUT_OF_ORDER',
      details: { mustComeFirst: 'provision' },
    });
    await h.service.requestStep(deployment.id, 'provision', 'ci');
    await h.runUntilPhase(deployment.id, 'Deploying');
    for (let i = 0; i < 3; i++) await h.reconciler.tick(deployment.id);
    expect(h.world.calls).toEqual(['ensureCapacity housing-v2']);
    expect(await h.service.requestStep(deployment.id, 'provision', 'ci')).toMatchObject({ alreadyDone: true });
    for (const step of ['deploy', 'smoke-test', 'promote'] as const) {
      await h.service.requestStep(deployment.id, step, 'ci');
      for (let i = 0; i < 6; i++) await h.reconciler.tick(deployment.id);
    }
    expect(h.world.origin?.release).toBe('v2');
    await h.runUntilPhase(deployment.id, 'ScalingDownBlue');
    h.now += 60_000;
    await h.service.requestStep(deployment.id, 'cleanup', 'ci');
    const done = await h.runToEnd(deployment.id);
    expect(calculatePhase(done)).toBe('Succeeded');
  });
});
