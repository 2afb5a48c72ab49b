import { connect } from 'node:net';
import { join } from 'node:path';
import { ProcessGroup } from '../../support/processes';
import { makeTempDir, type TempDir } from '../../support/temp-dir';
import { waitFor, withTimeout } from '../../support/wait';
import { startEdgeProcess, TestClient } from './edge-harness';
import { startNamedUpstream, type NamedUpstream } from './named-upstream';

function tryConnect(port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve('connected')));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

describe('edge: graceful stop', () => {
  const procs = new ProcessGroup();
  let dir: TempDir;
  let a: NamedUpstream;
  let client: TestClient;

  beforeAll(async () => {
    dir = await makeTempDir('edge-stop-');
    a = await startNamedUpstream('A');
    client = new TestClient();
  });

  afterEach(() => procs.stopAll({ signal: 'SIGKILL' }));

  afterAll(async () => {
    await client?.close();
    await a?.close();
    await dir?.remove();
  });

  it('on SIGTERM stops accepting, finishes the in-flight request, then exits 0', async () => {
    const edge = await startEdgeProcess({ statePath: join(dir.path, 'drain.json') });
    procs.add(edge.proc);
    await client.flip(edge, a.url, 'release-a');
    // Keep-alive connections idle in the pool must not hold the stop up.
    expect((await client.send(edge.publicUrl)).text).toBe('A');

    const inFlight = client.send(`${edge.publicUrl}/slow?ms=1000`);
    await waitFor(() => a.inFlight() === 1, { what: 'the slow request to reach A', timeoutMs: 5_000 });
    edge.proc.child.kill('SIGTERM');

    await waitFor(async () => (await tryConnect(edge.publicPort)) === 'ECONNREFUSED', {
      what: 'the public listener to stop accepting',
      timeoutMs: 2_000,
    });
    expect(edge.proc.hasExited()).toBe(false);

    const reply = await inFlight;
    expect(reply).toMatchObject({ status: 200, text: 'A', headers: { 'x-cutover-release': 'release-a' } });
    expect(await withTimeout(edge.proc.exited, 5_000, 'the edge to exit')).toEqual({ code: 0, signal: null });
    const lines = edge.proc
      .output()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ event: 'stop', signal: 'SIGTERM', drained: true });
  }, 20_000);

  it('gives up on a request that outlives the drain timeout, and still exits 0', async () => {
    const edge = await startEdgeProcess({
      statePath: join(dir.path, 'timeout.json'),
      env: { EDGE_DRAIN_TIMEOUT_MS: '300' },
    });
    procs.add(edge.proc);
    await client.flip(edge, a.url, 'release-a');
    const stuck = client.send(`${edge.publicUrl}/hang`).catch((err: Error) => err);
    await waitFor(() => a.inFlight() === 1, { what: 'the hanging request to reach A', timeoutMs: 5_000 });
    const started = Date.now();
    edge.proc.child.kill('SIGTERM');
    expect(await withTimeout(edge.proc.exited, 5_000, 'the edge to exit')).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(await stuck).toBeInstanceOf(Error);
    expect(edge.proc.output()).toContain('"drained":false');
  }, 20_000);

  it('also stops on SIGINT', async () => {
    const edge = await startEdgeProcess({ statePath: join(dir.path, 'int.json') });
    procs.add(edge.proc);
    edge.proc.child.kill('SIGINT');
    expect(await withTimeout(edge.proc.exited, 5_000, 'the edge to exit')).toEqual({ code: 0, signal: null });
  });
});
