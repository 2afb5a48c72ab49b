import { DeploymentProgress, toServerEvent } from './deployment-progress';
import { FAILING, SUCCEEDING } from './progress.fixtures';
import { deployWait, stateFromProgress, stepDone, untilFinished, type WaitRule } from './verdicts';

function replay(events = SUCCEEDING, upTo = events.length): DeploymentProgress {
  const p = new DeploymentProgress();
  for (const e of events.slice(0, upTo)) p.apply(e);
  return p;
}

describe('DeploymentProgress', () => {
  it('folds waiting attempts of a step into one run and records checkpoints of succeeded steps', () => {
    const p = replay();
    expect(p.steps.map((s) => [s.step, s.state])).toEqual([
      ['provision', 'succeeded'],
      ['deploy', 'succeeded'],
      ['smoke-test', 'succeeded'],
      ['promote', 'succeeded'],
      ['verify', 'succeeded'],
      ['scale-down-blue', 'succeeded'],
    ]);
    expect(p.steps[1]).toMatchObject({ attempt: 3, startedAt: '2026-01-01T00:00:00.300Z' });
    expect([...p.checkpoints]).toEqual([
      'profileReady',
      'workloadReady',
      'smokePassed',
      'edgeFlipped',
      'edgeVerified',
      'blueRetired',
    ]);
    expect(p).toMatchObject({ phase: 'Succeeded', finished: true, outcome: undefined, lastEventId: '22' });
  });

  it('takes the outcome reason from the failed step when the phase event carries none', () => {
    const p = replay(FAILING);
    expect(p.outcome).toEqual({ phase: 'Failed', reason: 'the artifact is not valid JSON' });
    expect(p.finished).toBe(true);
  });

  it('parses the JSON data of an SSE event and ignores anything else', () => {
    expect(toServerEvent({ id: '3', event: 'phase', data: '{"phase":"Deploying","at":"t"}' })).toEqual({
      id: '3',
      type: 'phase',
      at: 't',
      data: { phase: 'Deploying', at: 't' },
    });
    expect(toServerEvent({ id: '3', event: 'phase', data: 'not json' })).toBeUndefined();
    expect(toServerEvent({ id: '3', event: 'phase', data: '[1]' })).toBeUndefined();
  });
});

describe('wait verdicts on the event stream', () => {
  const firstVerdict = (rule: WaitRule, events = SUCCEEDING) => {
    const p = new DeploymentProgress();
    for (const e of events) {
      p.apply(e);
      const v = rule(stateFromProgress(p));
      if (v) return { at: e.id, ...v };
    }
    return undefined;
  };

  it('step <s> is done at its checkpoint: promote once the edge is verified, cleanup once blue is retired and the deployment finished', () => {
    expect(firstVerdict(stepDone('provision'))).toEqual({ at: '4', ok: true, because: 'step-done' });
    expect(firstVerdict(stepDone('deploy'))).toEqual({ at: '10', ok: true, because: 'step-done' });
    expect(firstVerdict(stepDone('smoke-test'))).toEqual({ at: '12', ok: true, because: 'step-done' });
    expect(firstVerdict(stepDone('promote'))).toEqual({ at: '18', ok: true, because: 'step-done' });
    // cleanup waits past blueRetired (event 20) for the deployment to finish (22): the next pipeline must not find it in flight.
    expect(firstVerdict(stepDone('cleanup'))).toEqual({ at: '22', ok: true, because: 'step-done' });
  });

  it('a step fails as soon as the deployment gets an outcome, before unwinding ends', () => {
    expect(firstVerdict(stepDone('deploy'), FAILING)).toEqual({ at: '6', ok: false, because: 'outcome' });
  });

  it('deploy --wait stops at AwaitingPromotion, or at the end', () => {
    expect(firstVerdict(deployWait)).toEqual({ at: '13', ok: true, because: 'awaiting-promotion' });
    expect(firstVerdict(deployWait, FAILING)).toEqual({ at: '11', ok: false, because: 'finished' });
  });

  it('watch waits until finished; success is the phase asked for', () => {
    expect(firstVerdict(untilFinished('Succeeded'))).toEqual({ at: '22', ok: true, because: 'finished' });
    expect(firstVerdict(untilFinished('Succeeded'), FAILING)).toEqual({ at: '11', ok: false, because: 'finished' });
    expect(firstVerdict(untilFinished('Aborted', 'Failed'), FAILING)).toMatchObject({ ok: true });
  });
});
