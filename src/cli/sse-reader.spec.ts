import type { ServerEvent } from './api-types';
import { ApiError, ConnectionError } from './cli-errors';
import type { RetryPolicy } from './retry';
import { readEvents, type EventSourceClient } from './sse-reader';

const POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 300 };
const enc = (s: string) => new TextEncoder().encode(s);
const frame = (id: number, type = 'step.started') => `id: ${id}\nevent: ${type}\ndata: {"n":${id}}\n\n`;

type Script = { chunks: string[]; then?: Error } | Error;

/** A fake controller: each connection plays the next script; records the Last-Event-ID of each. */
function fakeClient(scripts: Script[]) {
  const resumedFrom: (string | undefined)[] = [];
  const destroyed: number[] = [];
  const client: EventSourceClient = {
    baseUrl: 'http://127.0.0.1:9',
    async openEvents(_id, lastEventId) {
      const n = resumedFrom.push(lastEventId) - 1;
      const script = scripts[n] ?? new ConnectionError('http://127.0.0.1:9', 'ECONNREFUSED');
      if (script instanceof Error) throw script;
      async function* body() {
        for (const c of script instanceof Error ? [] : script.chunks) yield enc(c);
        if (!(script instanceof Error) && script.then) throw script.then;
      }
      return Object.assign(body(), { destroy: () => destroyed.push(n) });
    },
  };
  return { client, resumedFrom, destroyed };
}

async function collect(scripts: Script[], stopAt?: number) {
  const fake = fakeClient(scripts);
  const events: ServerEvent[] = [];
  const delays: number[] = [];
  const result = await readEvents(fake.client, 'd1', {
    retry: POLICY,
    sleep: async () => undefined,
    onRetry: (_reason, _failures, delayMs) => delays.push(delayMs),
    onEvent: (e) => {
      events.push(e);
      return stopAt !== undefined && Number(e.id) === stopAt;
    },
  });
  return { ...fake, events, delays, result };
}

describe('readEvents', () => {
  it('reads events across chunk boundaries until the server ends the stream', async () => {
    const all = frame(1) + ': heartbeat\n\n' + frame(2, 'phase') + frame(3, 'finished');
    const { events, result } = await collect([{ chunks: [all.slice(0, 17), all.slice(17, 40), all.slice(40)] }]);
    expect(events.map((e) => [e.id, e.type, e.data.n])).toEqual([
      ['1', 'step.started', 1],
      ['2', 'phase', 2],
      ['3', 'finished', 3],
    ]);
    expect(result).toEqual({ lastEventId: '3', stopped: false });
  });

  it('resumes after a reset from the last event received, so none is missed or repeated', async () => {
    const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    const { events, resumedFrom, delays } = await collect([
      { chunks: [frame(1), frame(2), 'id: 3\nevent: x\ndata: {"n"'], then: reset },
      new ConnectionError('http://127.0.0.1:9', 'ECONNREFUSED'),
      { chunks: [frame(3), frame(4)] },
    ]);
    expect(events.map((e) => e.id)).toEqual(['1', '2', '3', '4']);
    expect(resumedFrom).toEqual([undefined, '2', '2']);
    expect(delays).toEqual([100, 200]);
  });

  it('gives up after the policy’s attempts with the connection error', async () => {
    const refused = new ConnectionError('http://127.0.0.1:9', 'ECONNREFUSED');
    await expect(collect([refused, refused, refused, refused, refused])).rejects.toThrow(
      'cannot reach the controller at http://127.0.0.1:9: ECONNREFUSED',
    );
  });

  it('counts failures again from zero once a connection delivers something', async () => {
    const refused = new ConnectionError('http://127.0.0.1:9', 'ECONNREFUSED');
    const reset = new ConnectionError('http://127.0.0.1:9', 'ECONNRESET');
    const { events, delays } = await collect([
      refused,
      refused,
      refused,
      { chunks: [frame(1)], then: reset },
      refused,
      refused,
      { chunks: [frame(2)] },
    ]);
    expect(events.map((e) => e.id)).toEqual(['1', '2']);
    expect(delays).toEqual([100, 200, 300, 100, 200, 300]);
  });

  it('does not retry an API error such as 404', async () => {
    await expect(collect([new ApiError(404, 'DEPLOYMENT_NOT_FOUND', 'no deployment')])).rejects.toBeInstanceOf(
      ApiError,
    );
  });

  it('closes the stream as soon as the handler says stop', async () => {
    const { events, result, destroyed } = await collect([{ chunks: [frame(1) + frame(2) + frame(3)] }], 2);
    expect(events.map((e) => e.id)).toEqual(['1', '2']);
    expect(result).toEqual({ lastEventId: '2', stopped: true });
    expect(destroyed).toEqual([0]);
  });

  it('passes on an error thrown by the handler instead of retrying it', async () => {
    const fake = fakeClient([{ chunks: [frame(1)] }]);
    await expect(
      readEvents(fake.client, 'd1', {
        retry: POLICY,
        sleep: async () => undefined,
        onEvent: () => {
          throw new TypeError('printer bug');
        },
      }),
    ).rejects.toThrow('printer bug');
    expect(fake.resumedFrom).toHaveLength(1);
  });
});
