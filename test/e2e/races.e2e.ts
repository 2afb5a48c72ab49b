import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startController, type ApiAnswer, type ControllerUnderTest } from '../support/controller-process';
import { sleep, waitFor } from '../support/wait';
import { expectApiError } from './api/api-client';

const V2 = 'predictor/models/housing-v2.json';
const ROW =
  '{"CHAS":{"0":0},"RM":{"0":6.575},"TAX":{"0":296.0},"PTRATIO":{"0":15.3},"B":{"0":396.9},"LSTAT":{"0":4.98}}';

type Body = ApiAnswer['body'];

async function get(c: ControllerUnderTest, id: string): Promise<Body> {
  const res = await c.call('GET', `/v1/deployments/${id}`, undefined, 'viewer');
  expect(res.status).toBe(200);
  return res.body;
}

async function until(c: ControllerUnderTest, id: string, done: (d: Body) => boolean, what: string): Promise<Body> {
  return waitFor(
    async () => {
      const d = await get(c, id);
      return done(d) ? d : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 100, what: `deployment ${id} ${what}` },
  );
}

const finished = (c: ControllerUnderTest, id: string) => until(c, id, (d) => d.finished, 'to finish');

async function history(c: ControllerUnderTest): Promise<Body[]> {
  const res = await c.call('GET', '/v1/apps/housing/deployments?limit=100', undefined, 'viewer');
  expect(res.status).toBe(200);
  return res.body.items;
}

/** Every origin change the edge process made, from its own log: the ground truth of flips. */
function edgeFlips(c: ControllerUnderTest): { release: string }[] {
  return readFileSync(join(c.stateDir, 'edge', 'housing', 'edge.log'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { event?: string; to?: { release: string } })
    .filter((entry) => entry.event === 'flip')
    .map((entry) => ({ release: entry.to!.release }));
}

/** Which release answers users, asked the way users ask: a prediction through the edge. */
async function servedRelease(c: ControllerUnderTest): Promise<string | null> {
  const res = await fetch(`${c.edge}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: ROW,
  });
  await res.text();
  expect(res.status).toBe(200);
  return res.headers.get('x-release-id');
}

/** A racing answer is a success or a 409 in the error shape; nothing else. */
function expectSuccessOr409(answer: ApiAnswer): void {
  if (answer.status >= 200 && answer.status < 300) return;
  expect(answer.status).toBe(409);
  expectApiError(answer, 409, answer.body?.error?.code);
}

/** The stored record, the app's state and what the edge serves all tell the same story. */
async function expectOneStory(c: ControllerUnderTest, d: Body): Promise<string> {
  const greenWon = d.phase === 'Succeeded';
  const expected = greenWon ? d.release : d.blue.release;
  const app = (await c.call('GET', '/v1/apps/housing', undefined, 'viewer')).body;
  expect({ active: app.active?.release, edgeOrigin: app.edge.origin?.release, inFlight: app.inFlight }).toEqual({
    active: expected,
    edgeOrigin: expected,
    inFlight: null,
  });
  expect(await servedRelease(c)).toBe(expected);
  return expected;
}

type Op = 'promote' | 'abort' | 'rollback';

/**
 * Fires four of each operator call on one deployment, interleaved: four of `first` at once and
 * the rest `lagMs` later, so rounds with different lags land in different moments of a step.
 */
async function race(
  c: ControllerUnderTest,
  id: string,
  first: Op,
  lagMs: number,
): Promise<{ op: Op; answer: ApiAnswer }[]> {
  const call: Record<Op, () => Promise<ApiAnswer>> = {
    promote: () => c.call('POST', `/v1/deployments/${id}/promote`, {}),
    abort: () => c.call('POST', `/v1/deployments/${id}/abort`),
    rollback: () => c.call('POST', '/v1/apps/housing/rollback', {}),
  };
  const others = (['promote', 'abort', 'rollback'] as const).filter((op) => op !== first);
  const fire = (op: Op) => call[op]().then((answer) => ({ op, answer }));
  const lead = Array.from({ length: 4 }, () => fire(first));
  await sleep(lagMs);
  const rest = Array.from({ length: 4 }, () => others.map(fire)).flat();
  return Promise.all([...lead, ...rest]);
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

describe('races over HTTP against one real controller', () => {
  let c: ControllerUnderTest;
  beforeAll(async () => {
    c = await startController();
  }, 60_000);
  afterAll(() => c?.destroy(), 60_000);

  it('ten concurrent creates of different releases: one proceeds, nine get 409 naming it', async () => {
    const before = await history(c);
    const releases = Array.from({ length: 10 }, (_, i) => `r${i + 2}`);
    const answers = await Promise.all(
      releases.map((release) => c.call('POST', '/v1/apps/housing/deployments', { release, artifact: V2 }, 'ci')),
    );

    const created = answers.filter((a) => a.status === 201);
    expect(answers.map((a) => a.status).sort()).toEqual([201, ...Array(9).fill(409)]);
    const winner = created[0].body;
    for (const lost of answers.filter((a) => a.status === 409)) {
      expectApiError(lost, 409, 'DEPLOYMENT_IN_FLIGHT');
      expect(lost.body.error.details.inFlight).toEqual({ id: winner.id, release: winner.release });
      expect(lost.body.error.message).toContain(winner.id);
    }
    const after = await history(c);
    expect(after.map((d) => d.id)).toEqual([winner.id, ...before.map((d: Body) => d.id)]);
    // The losers left no trace in the ledger either.
    const ledger = (await c.call('GET', '/v1/apps/housing/releases', undefined, 'viewer')).body.releases;
    expect(ledger.map((r: Body) => r.release).sort()).toEqual(['v1', winner.release].sort());
    process.stdout.write(`[e2e] 10 concurrent creates: 1 created (${winner.release}), 9 answered 409 naming it\n`);

    expect((await c.call('POST', `/v1/deployments/${winner.id}/abort`)).status).toBe(202);
    expect((await finished(c, winner.id)).phase).toBe('Aborted');
  }, 120_000);

  it('ten concurrent identical creates: one deployment, ten answers naming it', async () => {
    const before = await history(c);
    const body = { release: 'same', artifact: V2, commit: 'abc1234' };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => c.call('POST', '/v1/apps/housing/deployments', body, 'ci')),
    );

    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    const after = await history(c);
    expect(after.length).toBe(before.length + 1);
    expect(after.filter((d) => d.release === 'same').map((d) => d.id)).toEqual([...ids]);
    process.stdout.write(`[e2e] 10 concurrent identical creates: 1 deployment, 10 answers naming it\n`);
  }, 60_000);

  it('promote, abort and rollback racing on a deployment awaiting promotion: one outcome, at most one flip each way', async () => {
    // The identical-creates deployment first, then fresh ones; aborts and rollbacks lag the
    // promotes by more each round, landing before, during and after the flip.
    let id = (await history(c))[0].id;
    for (const [round, lagMs] of [0, 40, 250].entries()) {
      if (round > 0) {
        const created = await c.call('POST', '/v1/apps/housing/deployments', { release: `wait${round}`, artifact: V2 });
        expect(created.status).toBe(201);
        id = created.body.id;
      }
      const waiting = await until(c, id, (d) => d.phase === 'AwaitingPromotion', 'to await promotion');
      const flipsBefore = edgeFlips(c).length;

      const answers = await race(c, id, 'promote', lagMs);
      for (const { answer } of answers) expectSuccessOr409(answer);
      const done = await finished(c, id);

      expect(['Succeeded', 'Aborted', 'RolledBack']).toContain(done.phase);
      // Every successful answer that names an outcome names the one the record ended with.
      for (const { answer } of answers.filter((a) => a.answer.status < 300 && a.answer.body.outcome)) {
        expect(answer.body.outcome.phase).toBe(done.phase);
      }
      // At most one flip to green, and one back only if it was flipped and then unwound.
      const flips = edgeFlips(c).slice(flipsBefore);
      const toGreen = flips.filter((f) => f.release === waiting.release).length;
      expect(toGreen).toBeLessThanOrEqual(1);
      expect(flips.length).toBe(done.phase === 'Succeeded' ? 1 : 2 * toGreen);
      expect(done.steps.filter((s: Body) => s.step === 'promote' && s.status === 'succeeded').length).toBeLessThan(2);
      // Nothing else started: no rollback deployment came out of the race.
      expect((await history(c))[0].id).toBe(id);
      const serving = await expectOneStory(c, done);
      process.stdout.write(
        `[e2e] race before the flip, others ${lagMs} ms after promote: ${JSON.stringify(
          countBy(answers.map((a) => `${a.op} ${a.answer.status}`)),
        )}; outcome ${done.phase}; edge flips ${JSON.stringify(flips.map((f) => f.release))}; serving ${serving}\n`,
      );
    }
  }, 240_000);

  it('promote, abort and rollback racing after the flip: one way back, one flip back, no second rollback', async () => {
    // With a release before the active one, a rollback that lost the race could roll that back too.
    if (!(await c.call('GET', '/v1/apps/housing', undefined, 'viewer')).body.previous) {
      const base = await c.call('POST', '/v1/apps/housing/deployments', {
        release: 'base',
        artifact: V2,
        autoPromote: true,
      });
      expect((await finished(c, base.body.id)).phase).toBe('Succeeded');
    }
    for (const [round, [first, lagMs]] of (
      [
        ['abort', 0],
        ['rollback', 20],
      ] as const
    ).entries()) {
      const created = await c.call(
        'POST',
        '/v1/apps/housing/deployments',
        { release: `flipped${round}`, artifact: V2, autoPromote: true },
        'ci',
      );
      expect(created.status).toBe(201);
      const id = created.body.id;
      const blue = created.body.blue.release;
      // Verification takes seconds after the flip: the race lands while the edge serves green.
      await until(c, id, (d) => d.checkpoints.edgeFlipped !== undefined, 'to flip the edge');
      const flipsBefore = edgeFlips(c).length;

      const answers = await race(c, id, first, lagMs);
      for (const { answer } of answers) expectSuccessOr409(answer);
      const done = await finished(c, id);

      expect(['Aborted', 'RolledBack']).toContain(done.phase);
      const outcomes = answers.filter((a) => a.answer.status < 300 && a.answer.body.outcome);
      expect(outcomes.length).toBeGreaterThan(0);
      for (const { answer } of outcomes) expect(answer.body.outcome.phase).toBe(done.phase);
      // Every rollback answer is about this deployment: none started another one.
      for (const { answer } of answers.filter((a) => a.op === 'rollback' && a.answer.status < 300)) {
        expect([answer.body.id, answer.body.created]).toEqual([id, false]);
      }
      expect((await history(c))[0].id).toBe(id);
      expect(edgeFlips(c).slice(flipsBefore)).toEqual([{ release: blue }]);
      expect(done.steps.filter((s: Body) => s.step === 'restore-edge' && s.status === 'succeeded').length).toBe(1);
      expect(await expectOneStory(c, done)).toBe(blue);
      process.stdout.write(
        `[e2e] race after the flip, ${first} first: ${JSON.stringify(
          countBy(answers.map((a) => `${a.op} ${a.answer.status}`)),
        )}; outcome ${done.phase}; one flip back to ${blue}\n`,
      );
    }
  }, 240_000);
});
