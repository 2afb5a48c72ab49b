import { join } from 'node:path';
import { ProcessGroup } from '../../support/processes';
import { makeTempDir, type TempDir } from '../../support/temp-dir';
import { waitFor } from '../../support/wait';
import { startEdgeProcess, TestClient, type EdgeProcess } from './edge-harness';
import { startNamedUpstream, type NamedUpstream } from './named-upstream';

describe('edge: flipping from A to B under load', () => {
  const procs = new ProcessGroup();
  let dir: TempDir;
  let a: NamedUpstream;
  let b: NamedUpstream;
  let edge: EdgeProcess;
  let client: TestClient;

  beforeAll(async () => {
    dir = await makeTempDir('edge-flip-');
    [a, b] = await Promise.all([startNamedUpstream('A'), startNamedUpstream('B')]);
    edge = await startEdgeProcess({ statePath: join(dir.path, 'state.json') });
    procs.add(edge.proc);
    client = new TestClient({ connections: 16 });
    await client.flip(edge, a.url, 'release-a');
  });

  afterAll(async () => {
    await client?.close();
    await procs.stopAll();
    await Promise.all([a?.close(), b?.close()]);
    await dir?.remove();
  });

  it('switches new requests to B with zero failures while a slow request finishes on A', async () => {
    const slow = client.send(`${edge.publicUrl}/slow?ms=1500`);
    await waitFor(() => a.inFlight() === 1, { what: 'the slow request to reach A', timeoutMs: 5_000 });

    type Outcome = { status: number; release: unknown; body: string; startedAt: number } | { error: string };
    const outcomes: Outcome[] = [];
    let flipAckedAt = Infinity;
    const MAX_REQUESTS = 4_000;
    const AFTER_FLIP = 300;
    const deadline = Date.now() + 20_000;
    let afterFlip = 0;
    const worker = async () => {
      while (outcomes.length < MAX_REQUESTS && afterFlip < AFTER_FLIP && Date.now() < deadline) {
        const startedAt = performance.now();
        try {
          const reply = await client.send(`${edge.publicUrl}/?n=${outcomes.length}`, { timeoutMs: 5_000 });
          outcomes.push({
            status: reply.status,
            release: reply.headers['x-cutover-release'],
            body: reply.text,
            startedAt,
          });
          if (startedAt > flipAckedAt) afterFlip += 1;
        } catch (err) {
          outcomes.push({ error: (err as Error).message });
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, worker));

    await waitFor(() => outcomes.length >= 200, { what: '200 requests before the flip', timeoutMs: 10_000 });
    const flip = await client.flip(edge, b.url, 'release-b');
    flipAckedAt = performance.now();
    expect(flip.json()).toMatchObject({ origin: { url: b.url, release: 'release-b' }, generation: 2 });
    await load;

    const failures = outcomes.filter((o) => 'error' in o || o.status !== 200);
    expect(failures).toEqual([]);
    const served = outcomes as Extract<Outcome, { status: number }>[];
    for (const o of served) expect(`${o.body}:${String(o.release)}`).toMatch(/^(A:release-a|B:release-b)$/);
    // Everything sent after the admin call answered went to B.
    const late = served.filter((o) => o.startedAt > flipAckedAt);
    expect(late.length).toBeGreaterThanOrEqual(AFTER_FLIP);
    expect(late.every((o) => o.body === 'B')).toBe(true);
    expect(served.filter((o) => o.body === 'A').length).toBeGreaterThanOrEqual(200);

    const slowReply = await slow;
    expect(slowReply).toMatchObject({ status: 200, text: 'A', headers: { 'x-cutover-release': 'release-a' } });
  }, 30_000);

  it('moves a kept-alive client connection along with the flip', async () => {
    const single = new TestClient({ connections: 1 });
    try {
      await client.flip(edge, a.url, 'release-a');
      expect((await single.send(edge.publicUrl)).text).toBe('A');
      await client.flip(edge, b.url, 'release-b');
      expect((await single.send(edge.publicUrl)).text).toBe('B');
    } finally {
      await single.close();
    }
  });

  it('logs one line per flip and never the token', () => {
    const flips = edge.proc
      .output()
      .split('\n')
      .filter((line) => line.includes('"event":"flip"'));
    expect(flips.length).toBe(4);
    expect(JSON.parse(flips[1])).toMatchObject({
      from: { release: 'release-a' },
      to: { release: 'release-b', url: b.url },
      generation: 2,
    });
    expect(edge.proc.output()).not.toContain('integration-admin-token');
  });
});
