/**
 * A server-sent events parser (the WHATWG "event stream interpretation"), fed chunk by chunk:
 * lines end in LF, CR or CRLF (even split across chunks), `:` lines are comments (heartbeats),
 * several `data:` lines join with "\n", a blank line dispatches the event. Pure: no I/O.
 */
export interface SseEvent {
  /** The last event id seen so far on this stream (what `Last-Event-ID` resumes from). */
  id: string | undefined;
  /** `message` when the event named none. */
  event: string;
  data: string;
}

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  private lastCharWasCR = false;
  private atStreamStart = true;
  private data: string[] = [];
  private eventType = '';
  private lastEventId: string | undefined;
  /** Comment lines seen (`: heartbeat`); a stream that sends them is alive. */
  comments = 0;
  /** The reconnection time the server asked for, in ms, if it did. */
  retryMs: number | undefined;

  /** Parses one chunk; answers the events it completed. Bytes may split a UTF-8 character. */
  feed(chunk: string | Uint8Array): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (this.atStreamStart && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.atStreamStart = false;
    }
    const events: SseEvent[] = [];
    for (const line of this.splitLines(text)) {
      const event = this.processLine(line);
      if (event) events.push(event);
    }
    return events;
  }

  /** The stream ended: an event without its blank line is discarded, as the spec says. */
  end(): void {
    this.buffer = '';
    this.data = [];
    this.eventType = '';
    this.lastCharWasCR = false;
  }

  private *splitLines(text: string): Generator<string> {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 0x0a && this.lastCharWasCR && i === start && this.buffer === '') {
        // The LF of a CRLF whose CR ended the previous line (possibly in the previous chunk).
        this.lastCharWasCR = false;
        start = i + 1;
        continue;
      }
      this.lastCharWasCR = false;
      if (ch === 0x0a || ch === 0x0d) {
        yield this.buffer + text.slice(start, i);
        this.buffer = '';
        start = i + 1;
        this.lastCharWasCR = ch === 0x0d;
      }
    }
    this.buffer += text.slice(start);
  }

  private processLine(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) {
      this.comments++;
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        // Unknown fields are ignored.
        break;
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const data = this.data;
    const eventType = this.eventType;
    this.data = [];
    this.eventType = '';
    if (data.length === 0) return undefined;
    return { id: this.lastEventId, event: eventType || 'message', data: data.join('\n') };
  }
}
