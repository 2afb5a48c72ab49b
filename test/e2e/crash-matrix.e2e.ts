import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoadGenerator } from '../../scripts/support/load';
import { FAILPOINTS, type FailpointName } from '../../src/reconciler/failpoints';
import { startController, type ControllerUnderTest } from '../support/controller-process';
import { isListening, portOf, processesOf } from '../support/state-dir-processes';
import { makeTempDir, type TempDir } from '../support/temp-dir';
import { waitFor, withTimeout } from '../support/wait';

// The controller SIGKILLed at every failpoint the reconciler has (src/reconciler/failpoints.ts),
// each on a real deployment under traffic through the edge, then restarted without it: the
// deployment must end as it would have without the crash, its record whole, nothing orphaned,
// no user request failed, and the edge flipped exactly as often as the outcome needs.

const ROW =
  '{"CHAS":{"0":0},"RM":{"0":6.575},"TAX":{"0":296.0},"PTRATIO":{"0":15.3},"B":{"0":396.9},"LSTAT":{"0":4.98}}';
const V2 = 'predictor/models/housing-v2.json';
const FORWARD_CHECKPOINTS = ['profileReady', 'workloadReady', 'smokePassed', 'edgeFlipped', 'edgeVerified'];

/** How each failpoint's step is made to run: which deployment, and the outcome it must reach. */
type Scenario = 'deploy-v2' | 'fail-deploy' | 'roll-back-after-flip';
const scenarioOf = (point: FailpointName): Scenario =>
  point.startsWith('retire-green.')
    ? 'fail-deploy'
    : point.startsWith('restore-edge.')
      ? 'roll-back-after-flip'
      : 'deploy-v2';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's deployment view, read loosely
type DeploymentView = any;

describe('crash matrix: the controller SIGKILLed at every failpoint of a deployment', () => {
  let dir: TempDir;
  let c: ControllerUnderTest;
  let load: LoadGenerator;
  const survived: string[] = [];
  /** Ports releases have listened on; all but the active release's must be closed at rest. */
  const seenPorts = new Set<number>();
  let serial = 0;
  let broken: string;

  beforeAll(async () => {
    dir = await makeTempDir('cutover-crash-');
    const appsFile = join(dir.path, 'apps.json');
    // A 1 s verification window and scale-down delay keep each of the 24 runs short.
    writeFileSync(appsFile, JSON.stringify({ apps: [{ name: 'housing', verify: { windowSeconds: 1 } }] }));
    // A model whose golden set no longer reproduces: its predictor never becomes ready.
    const models = join(dir.path, 'models');
    mkdirSync(models);
    const corrupt = JSON.parse(readFileSync(V2, 'utf8'));
    corrupt.golden.cases[0].expected += 1;
    writeFileSync(join(models, 'corrupt.json'), JSON.stringify(corrupt));
    broken = join(models, 'corrupt.json');
    c = await startController({
      CUTOVER_APPS_FILE: appsFile,
      CUTOVER_SCALE_DOWN_DELAY_SECONDS: '1',
      CUTOVER_ARTIFACT_DIRS: `predictor/models,${models}`,
    });
    seenPorts.add(portOf(await activeEndpoint()));
    load = new LoadGenerator({ url: c.edge, body: ROW, concurrency: 2, maxSeconds: 1_500 }).start();
  }, 60_000);

  afterAll(async () => {
    const total = await load?.stop();
    if (total) {
      process.stdout.write(
        `[e2e] crash matrix: ${total.sent} requests through the edge, ${total.failed} failed; ` +
          `kill points survived: ${survived.length}/${FAILPOINTS.length}\n`,
      );
    }
    await c?.destroy();
    await dir?.remove();
  }, 90_000);

  it.each(FAILPOINTS.map((p) => [p]))(
    'survives a SIGKILL at %s',
    async (point) => {
      const before = await appState();
      const generationBefore = edgeGeneration();
      const failedBefore = load.snapshot().failed;
      const release = `cm${++serial}`;

      await c.restart({ CUTOVER_FAILPOINT: point });
      const id = await startScenario(scenarioOf(point), release);
      const exit = await withTimeout(c.proc.exited, 60_000, `the controller to die at ${point}`);
      expect(exit.signal).toBe('SIGKILL');
      expect(c.proc.output()).toContain(`failpoint ${point} reached`);
      await c.restart({ CUTOVER_FAILPOINT: undefined });
      const d = await waitFinished(id);
      if (d.greenEndpoint) seenPorts.add(portOf(d.greenEndpoint));

      // The record is whole: every attempt ended, the one cut short says so, checkpoints fit the phase.
      for (const s of d.steps) expect(s).toMatchObject({ endedAt: expect.any(String) });
      expect(d.steps.filter((s: { status: string }) => s.status === 'running')).toEqual([]);
      const [step, stage] = point.split('.');
      const interrupted = d.steps.filter((s: { status: string }) => s.status === 'interrupted');
      expect(interrupted.map((s: { step: string }) => s.step)).toEqual(stage === 'after-record' ? [] : [step]);
      const after = await appState();
      const scenario = scenarioOf(point);
      if (scenario === 'deploy-v2') {
        expect({ phase: d.phase, outcome: d.outcome }).toEqual({ phase: 'Succeeded', outcome: undefined });
        expectCheckpoints(d, [...FORWARD_CHECKPOINTS, 'blueRetired'], ['edgeRestored', 'greenRetired']);
        // Each forward step succeeded once: in particular one flip, not two.
        for (const s of ['provision', 'deploy', 'smoke-test', 'promote', 'verify', 'scale-down-blue'])
          expect([s, succeeded(d, s)]).toEqual([s, 1]);
        expect({ active: after.active?.release, previous: after.previous?.release }).toEqual({
          active: release,
          previous: before.active.release,
        });
        expect(edgeGeneration()).toBe(generationBefore + 1);
      } else if (scenario === 'fail-deploy') {
        expect(d.phase).toBe('Failed');
        expect(d.outcome).toMatchObject({ step: 'deploy', reason: expect.stringMatching(/cannot become ready/) });
        expectCheckpoints(d, ['profileReady', 'greenRetired'], ['workloadReady', 'edgeFlipped']);
        expect(after.active?.release).toBe(before.active.release);
        expect(edgeGeneration()).toBe(generationBefore);
      } else {
        expect(d.phase).toBe('RolledBack');
        expectCheckpoints(d, [...FORWARD_CHECKPOINTS, 'edgeRestored', 'greenRetired'], ['blueRetired']);
        expect([succeeded(d, 'promote'), succeeded(d, 'restore-edge')]).toEqual([1, 1]);
        expect({ active: after.active?.release, previous: after.previous?.release }).toEqual({
          active: before.active.release,
          previous: before.previous?.release,
        });
        // Flipped to green and back: two changes, no more.
        expect(edgeGeneration()).toBe(generationBefore + 2);
      }

      // What users hit serves the active release, and only that release and the edge still run.
      const active = after.active.release;
      const served = await fetch(`${c.edge}/version`).then((r) => r.json() as Promise<{ release: string }>);
      expect(served.release).toBe(active);
      await waitFor(
        () =>
          JSON.stringify(processesOf(c.stateDir).map((p) => `${p.kind}:${p.name}`)) ===
          JSON.stringify([`edge:housing`, `predictor:housing-${active}`].sort()),
        { timeoutMs: 5_000, what: `only the edge and housing-${active} to run` },
      ).catch(() => {
        throw new Error(`processes of the state dir: ${JSON.stringify(processesOf(c.stateDir))}`);
      });
      const activePort = portOf(await activeEndpoint());
      for (const port of seenPorts)
        if (port !== activePort) expect([port, await isListening(port)]).toEqual([port, false]);

      expect(load.snapshot().failed - failedBefore).toBe(0);
      survived.push(point);
    },
    150_000,
  );

  it('a promote cut short after its flip, then rolled back, leaves the app as it was before', async () => {
    // The promote step records the app's releases before the flip, for a flip back to restore.
    // A promote killed after flipping is run again: it must not take the flipped state for it.
    const before = await appState();
    const release = `cm${++serial}`;
    await c.restart({ CUTOVER_FAILPOINT: 'promote.before-record' });
    const id = await create({ release, artifact: V2, stepwise: true });
    await requestSteps(id, release, [
      ['provision', 'profileReady'],
      ['deploy', 'workloadReady'],
      ['smoke-test', 'smokePassed'],
    ]);
    expect((await c.call('POST', `/v1/deployments/${id}/steps/promote`, undefined, 'ci')).status).toBeLessThan(300);
    expect((await withTimeout(c.proc.exited, 60_000, 'the controller to die at promote.before-record')).signal).toBe(
      'SIGKILL',
    );
    await c.restart({ CUTOVER_FAILPOINT: undefined });
    await waitFor(async () => (await get(id)).checkpoints.edgeVerified, { timeoutMs: 60_000, what: 'edgeVerified' });
    expect((await c.call('POST', '/v1/apps/housing/rollback', {})).status).toBeLessThan(300);
    const d = await waitFinished(id);
    if (d.greenEndpoint) seenPorts.add(portOf(d.greenEndpoint));
    expect(d.phase).toBe('RolledBack');
    const after = await appState();
    expect({ active: after.active?.release, previous: after.previous?.release }).toEqual({
      active: before.active.release,
      previous: before.previous?.release,
    });
    expect(load.snapshot().failures).toEqual([]);
  }, 150_000);

  it('left nothing running once the controller stopped everything', async () => {
    const total = load.snapshot();
    expect(total.failures).toEqual([]);
    await load.stop();
    const stop = await c.proc.stop({ signal: 'SIGINT', timeoutMs: 30_000 });
    expect(stop.code).toBe(0);
    await waitFor(() => processesOf(c.stateDir).length === 0, {
      timeoutMs: 20_000,
      what: 'no process of the state dir left',
    }).catch(() => {
      throw new Error(`left running: ${JSON.stringify(processesOf(c.stateDir))}`);
    });
    for (const port of [...seenPorts, portOf(c.edge), portOf(c.api)])
      expect([port, await isListening(port)]).toEqual([port, false]);
  }, 60_000);

  async function startScenario(scenario: Scenario, release: string): Promise<string> {
    if (scenario === 'deploy-v2') return create({ release, artifact: V2, autoPromote: true });
    if (scenario === 'fail-deploy') return create({ release, artifact: broken, autoPromote: true });
    // Step by step, so the deployment waits after verification with blue still up: then a
    // rollback is a flip back (restore-edge), and no timer decides whether it comes in time.
    const id = await create({ release, artifact: V2, stepwise: true });
    await requestSteps(id, release, [
      ['provision', 'profileReady'],
      ['deploy', 'workloadReady'],
      ['smoke-test', 'smokePassed'],
      ['promote', 'edgeVerified'],
    ]);
    const rolled = await c.call('POST', '/v1/apps/housing/rollback', {});
    expect(rolled.status).toBeLessThan(300);
    return id;
  }

  /** CI's way: each step requested once the one before is done. */
  async function requestSteps(id: string, release: string, steps: [string, string][]): Promise<void> {
    for (const [step, checkpoint] of steps) {
      const asked = await c.call('POST', `/v1/deployments/${id}/steps/${step}`, undefined, 'ci');
      expect([step, asked.status < 300]).toEqual([step, true]);
      await waitFor(async () => (await get(id)).checkpoints[checkpoint], {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: `${release} ${checkpoint}`,
      });
    }
  }

  async function create(body: Record<string, unknown>): Promise<string> {
    const created = await c.call('POST', '/v1/apps/housing/deployments', body, 'ci');
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  async function get(id: string): Promise<DeploymentView> {
    const { status, body } = await c.call('GET', `/v1/deployments/${id}`, undefined, 'viewer');
    if (status !== 200) throw new Error(`GET /v1/deployments/${id} answered ${status}`);
    return body;
  }

  function waitFinished(id: string): Promise<DeploymentView> {
    return waitFor(
      async () => {
        const d = await get(id);
        return d.finished ? d : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 200, what: `deployment ${id} to finish` },
    );
  }

  async function appState(): Promise<DeploymentView> {
    return (await c.call('GET', '/v1/apps/housing', undefined, 'viewer')).body;
  }

  async function activeEndpoint(): Promise<string> {
    const state = JSON.parse(readFileSync(join(c.stateDir, 'edge', 'housing', 'state.json'), 'utf8'));
    return state.origin.url as string;
  }

  function edgeGeneration(): number {
    return JSON.parse(readFileSync(join(c.stateDir, 'edge', 'housing', 'state.json'), 'utf8')).generation as number;
  }
});

function succeeded(d: DeploymentView, step: string): number {
  return d.steps.filter((s: { step: string; status: string }) => s.step === step && s.status === 'succeeded').length;
}

/** The checkpoints that must be there (in time order) and those that must not. */
function expectCheckpoints(d: DeploymentView, present: string[], absent: string[]): void {
  const times = present.map((k) => d.checkpoints[k] as string | undefined);
  expect(Object.fromEntries(present.map((k, i) => [k, times[i] !== undefined]))).toEqual(
    Object.fromEntries(present.map((k) => [k, true])),
  );
  for (const k of absent) expect([k, d.checkpoints[k]]).toEqual([k, undefined]);
  const ms = times.map((t) => Date.parse(t!));
  expect(ms).toEqual([...ms].sort((a, b) => a - b));
}
