import { SseParser, type SseEvent } from './sse-parser';

const STREAM =
  'id: 1\nevent: step.started\ndata: {"step":"provision"}\n\n' +
  ': heartbeat\n\n' +
  'id: 2\nevent: step.finished\ndata: {"step":"provision",\ndata: "status":"succeeded"}\n\n';

function feedAll(chunks: (string | Uint8Array)[]): { events: SseEvent[]; parser: SseParser } {
  const parser = new SseParser();
  const events = chunks.flatMap((c) => parser.feed(c));
  return { events, parser };
}

describe('SseParser', () => {
  it('parses id, event and data, joins multi-line data with a newline and skips comments', () => {
    const { events, parser } = feedAll([STREAM]);
    expect(events).toEqual([
      { id: '1', event: 'step.started', data: '{"step":"provision"}' },
      { id: '2', event: 'step.finished', data: '{"step":"provision",\n"status":"succeeded"}' },
    ]);
    expect(parser.comments).toBe(1);
  });

  it('gives the same events however the stream is cut into chunks', () => {
    const whole = feedAll([STREAM]).events;
    for (let size = 1; size <= 7; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < STREAM.length; i += size) chunks.push(STREAM.slice(i, i + size));
      expect(feedAll(chunks).events).toEqual(whole);
    }
    for (let cut = 0; cut <= STREAM.length; cut++) {
      expect(feedAll([STREAM.slice(0, cut), STREAM.slice(cut)]).events).toEqual(whole);
    }
  });

  it('accepts CRLF and CR line endings, including a CRLF split across chunks', () => {
    const crlf = STREAM.replace(/\n/g, '\r\n');
    const cr = STREAM.replace(/\n/g, '\r');
    const whole = feedAll([STREAM]).events;
    expect(feedAll([crlf]).events).toEqual(whole);
    expect(feedAll([cr]).events).toEqual(whole);
    const at = crlf.indexOf('\r\n') + 1;
    expect(feedAll([crlf.slice(0, at), crlf.slice(at)]).events).toEqual(whole);
  });

  it('decodes UTF-8 split inside a character and strips a leading BOM', () => {
    const bytes = Buffer.from('\uFEFFdata: déjà vu ✓\n\n', 'utf8');
    const chunks = [...bytes].map((b) => Uint8Array.of(b));
    expect(feedAll(chunks).events).toEqual([{ id: undefined, event: 'message', data: 'déjà vu ✓' }]);
  });

  it('does not dispatch an event until its blank line, and drops one cut off by the end of the stream', () => {
    const parser = new SseParser();
    expect(parser.feed('id: 7\nevent: phase\ndata: {}\n')).toEqual([]);
    parser.end();
    expect(parser.feed('data: next\n\n')).toEqual([{ id: '7', event: 'message', data: 'next' }]);
  });

  it('keeps the last id for later events, reads retry, ignores unknown fields and events without data', () => {
    const { events, parser } = feedAll([
      'id: 41\nretry: 1500\nfoo: bar\nevent: x\n\n',
      'data\n\n',
      'data:no-space\n\n',
    ]);
    expect(events).toEqual([
      { id: '41', event: 'message', data: '' },
      { id: '41', event: 'message', data: 'no-space' },
    ]);
    expect(parser.retryMs).toBe(1500);
  });

  it('removes only one space after the colon', () => {
    expect(feedAll(['data:  two spaces\n\n']).events[0].data).toBe(' two spaces');
  });
});
