import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { startController, type ControllerUnderTest } from '../support/controller-process';
import { rawRequest, type RawResponse } from '../support/raw-http';
import { edgeAdminToken } from './api/api-client';

/**
 * The local edge's admin listener decides where every user request goes, so it must be
 * reachable only from this machine and only with its token. Checked on the edge the
 * controller itself started, as it runs.
 */

interface Listening {
  address: string;
  port: number;
}

/** The TCP sockets `pid` listens on, from its file descriptors and the kernel's socket tables. */
function listeningSockets(pid: number): Listening[] {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined; // closed while we looked
        }
      })
      .filter((inode): inode is string => inode !== undefined),
  );
  const rows = (file: string) =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/));
  const LISTEN = '0A';
  return [
    ...rows(`/proc/${pid}/net/tcp`).map((r) => ({ r, v6: false })),
    ...rows(`/proc/${pid}/net/tcp6`).map((r) => ({ r, v6: true })),
  ]
    .filter(({ r }) => r[3] === LISTEN && inodes.has(r[9]))
    .map(({ r, v6 }) => {
      const [hex, port] = r[1].split(':');
      return { address: v6 ? `ipv6:${hex}` : ipv4(hex), port: parseInt(port, 16) };
    });
}

/** /proc/net/tcp writes an IPv4 address as one little-endian 32-bit hex word. */
function ipv4(hex: string): string {
  return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
}

function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(2_000, () => (socket.destroy(), resolve('timeout')));
    socket.once('connect', () => (socket.destroy(), resolve('connected')));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

describe('the local edge admin endpoint: loopback only, token only', () => {
  let c: ControllerUnderTest;
  let adminPort: number;
  let edgePid: number;
  let token: string;

  const admin = (method: string, headers: [string, string][] = [], body?: string): Promise<RawResponse> =>
    rawRequest(adminPort, { method, target: '/admin/origin', headers, body, timeoutMs: 10_000 });

  beforeAll(async () => {
    c = await startController();
    adminPort = Number(c.env.CUTOVER_EDGE_ADMIN_PORT);
    edgePid = Number(readFileSync(join(c.stateDir, 'edge', 'housing', 'edge.pid'), 'utf8').trim());
    token = edgeAdminToken(c);
  }, 60_000);
  afterAll(() => c?.destroy(), 60_000);

  it('listens on 127.0.0.1 only, and refuses connections on every non-loopback address of this machine', async () => {
    const sockets = listeningSockets(edgePid);
    expect(sockets.filter((s) => s.port === adminPort)).toEqual([{ address: '127.0.0.1', port: adminPort }]);

    const external = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i !== undefined && !i.internal && !i.address.startsWith('fe80'))
      .map((i) => i!.address);
    if (external.length === 0) {
      process.stdout.write(
        'edge admin: no non-loopback address here; the listening socket (127.0.0.1) is the evidence\n',
      );
      return;
    }
    // A control listener on every address, so a refusal below means "not bound there", not "unreachable".
    const control: Server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => control.listen(0, '::', resolve));
    try {
      const controlPort = (control.address() as { port: number }).port;
      for (const address of external) {
        expect([address, await tryConnect(address, controlPort)]).toEqual([address, 'connected']);
        expect([address, await tryConnect(address, adminPort)]).toEqual([address, 'ECONNREFUSED']);
      }
    } finally {
      await new Promise<void>((resolve) => control.close(() => resolve()));
    }
    process.stdout.write(`edge admin: refused on ${external.join(', ')}; listening on 127.0.0.1:${adminPort} only\n`);
  });

  it.each<[string, [string, string][]]>([
    ['no token', []],
    ['an empty bearer', [['authorization', 'Bearer ']]],
    ['a wrong token of the same length', [['authorization', `Bearer ${'x'.repeat(43)}`]]],
    ['the token with a character more', [['authorization', 'Bearer TOKENx']]],
    ['the token less a character', [['authorization', 'Bearer TOKEN-']]],
    ['the token in another scheme', [['authorization', 'Basic TOKEN']]],
    ['a controller API token', [['authorization', 'Bearer OPERATOR']]],
  ])('answers 401 in the error shape to %s, and flips nothing', async (_what, headers) => {
    const fill = (v: string) =>
      v.replace('TOKEN-', token.slice(0, -1)).replace('TOKEN', token).replace('OPERATOR', c.tokens.operator);
    const h = headers.map(([n, v]) => [n, fill(v)] as [string, string]);
    for (const res of [
      await admin('GET', h),
      await admin('PUT', [...h, ['content-type', 'application/json']], '{"url":"http://127.0.0.1:1","release":"evil"}'),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.body).toEqual({
        error: { code: 'UNAUTHORIZED', message: expect.any(String), details: expect.any(Object) },
      });
    }
    const state = await admin('GET', [['authorization', `Bearer ${token}`]]);
    expect([state.status, state.body.origin.release]).toEqual([200, 'v1']);
  });

  it('answers its token, which lives in a file only the user can read', async () => {
    const file = join(c.stateDir, 'edge', 'housing', 'admin-token');
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
    const res = await admin('GET', [['authorization', `Bearer ${token}`]]);
    expect(res.status).toBe(200);
    expect(res.body.origin).toMatchObject({ release: 'v1', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
  });
});
