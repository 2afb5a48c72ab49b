import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProcessGroup } from '../../support/processes';
import { makeTempDir, type TempDir } from '../../support/temp-dir';
import { errorBody, startEdgeProcess, TestClient } from './edge-harness';
import { startNamedUpstream, type NamedUpstream } from './named-upstream';

describe('edge: the origin survives a crash', () => {
  const procs = new ProcessGroup();
  let dir: TempDir;
  let a: NamedUpstream;
  let b: NamedUpstream;
  let client: TestClient;

  beforeAll(async () => {
    dir = await makeTempDir('edge-persist-');
    [a, b] = await Promise.all([startNamedUpstream('A'), startNamedUpstream('B')]);
    client = new TestClient({ connections: 1 });
  });

  afterAll(async () => {
    await client?.close();
    await procs.stopAll();
    await Promise.all([a?.close(), b?.close()]);
    await dir?.remove();
  });

  it('after SIGKILL and a restart it serves B at once, without any admin call', async () => {
    const statePath = join(dir.path, 'edge', 'state.json');
    const edge = await startEdgeProcess({ statePath });
    procs.add(edge.proc);

    await client.flip(edge, a.url, 'release-a');
    await client.flip(edge, b.url, 'release-b');
    const persisted = JSON.parse(await readFile(statePath, 'utf8'));
    expect(persisted).toMatchObject({ version: 1, origin: { url: b.url, release: 'release-b' }, generation: 2 });

    expect(await edge.proc.stop({ signal: 'SIGKILL' })).toEqual({ code: null, signal: 'SIGKILL' });

    const restarted = await startEdgeProcess({ statePath, publicPort: edge.publicPort, adminPort: edge.adminPort });
    procs.add(restarted.proc);
    const reply = await client.send(restarted.publicUrl);
    expect(reply).toMatchObject({ status: 200, text: 'B', headers: { 'x-cutover-release': 'release-b' } });
    expect(restarted.proc.output()).toContain('edge started, serving release-b');

    const state = (await client.admin(restarted, 'GET')).json();
    expect(state).toEqual({
      origin: { url: b.url, release: 'release-b' },
      generation: 2,
      updatedAt: persisted.updatedAt,
    });
  }, 30_000);

  it('refuses to start on a corrupt state file, saying which file', async () => {
    const statePath = join(dir.path, 'corrupt.json');
    await writeFile(statePath, '{"version":1,');
    await expect(startEdgeProcess({ statePath })).rejects.toThrow(/exited \(code 1.*[\s\S]*corrupt\.json is not JSON/);
  });

  it('answers 500 PERSIST_FAILED and keeps serving the old origin when the state cannot be written', async () => {
    const statePath = join(dir.path, 'unwritable', 'state.json');
    const edge = await startEdgeProcess({ statePath });
    procs.add(edge.proc);
    await writeFile(join(dir.path, 'unwritable'), 'a file where the state directory should be');
    const reply = await client.admin(edge, 'PUT', { url: a.url, release: 'release-a' });
    expect(reply.status).toBe(500);
    expect(reply.json()).toEqual(errorBody('PERSIST_FAILED'));
    expect((await client.admin(edge, 'GET')).json()).toMatchObject({ origin: null, generation: 0 });
    expect((await client.send(edge.publicUrl)).status).toBe(503);
  });
});
