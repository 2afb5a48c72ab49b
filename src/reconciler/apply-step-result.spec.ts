import { aDeployment, at } from '../deployments/domain/deployment.fixtures';
import { applyStepResult, startAttempt } from './apply-step-result';

const waitingResult = { result: { status: 'progressing' as const, message: 'still draining', retryAfterSeconds: 1 } };

describe('step attempts in the record', () => {
  it('keeps attempt numbers increasing and compacts only the waiting step, never other steps', () => {
    const d = aDeployment();
    const deploy = startAttempt(d, 'deploy', 'start', new Date(at(0)));
    applyStepResult(
      d,
      deploy.attempt,
      { result: { status: 'done', message: 'ready', endpoint: 'x' } as never },
      new Date(at(1)),
    );
    for (let i = 0; i < 30; i++) {
      const { attempt } = startAttempt(d, 'scale-down-blue', 'retire', new Date(at(2 + i)));
      expect(attempt.attempt).toBe(i + 1);
      applyStepResult(d, attempt, waitingResult, new Date(at(2 + i)));
    }
    const last = startAttempt(d, 'scale-down-blue', 'retire', new Date(at(40)));
    applyStepResult(d, last.attempt, { result: { status: 'done', message: 'retired' } }, new Date(at(41)));

    const scaleDown = d.steps.filter((s) => s.step === 'scale-down-blue');
    expect(scaleDown.map((s) => s.attempt)).toEqual([...Array.from({ length: 20 }, (_, i) => 11 + i), 31]);
    expect(scaleDown.every((s) => s.status !== 'running' && s.endedAt)).toBe(true);
    expect(d.steps.filter((s) => s.step === 'deploy')).toEqual([
      expect.objectContaining({ attempt: 1, status: 'succeeded' }),
    ]);
    expect(d.checkpoints.blueRetired).toBe(at(41));
  });

  it('closes an attempt a crashed controller left running when the next one starts', () => {
    const d = aDeployment();
    startAttempt(d, 'promote', 'flip', new Date(at(0)));
    // The controller died here; the next one runs promote again.
    const again = startAttempt(d, 'promote', 'flip', new Date(at(5)));
    expect(d.steps.map((s) => [s.attempt, s.status, s.endedAt])).toEqual([
      [1, 'interrupted', at(5)],
      [2, 'running', undefined],
    ]);
    expect(d.steps[0].message).toMatch(/^interrupted: the controller stopped before this attempt ended/);
    expect(again.events.map((e) => [e.type, e.data.status])).toEqual([
      ['step.finished', 'interrupted'],
      ['step.started', undefined],
    ]);
  });
});
