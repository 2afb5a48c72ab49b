import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { request } from 'undici';
import type { ControllerUnderTest } from '../../support/controller-process';
import { withTimeout } from '../../support/wait';

export type Role = 'viewer' | 'ci' | 'operator';
export const ROLES: readonly Role[] = ['viewer', 'ci', 'operator'];

export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read many response shapes
  body: any;
}

/** One request with exactly the headers and body given: for what `c.call` cannot send. */
export async function send(
  c: ControllerUnderTest,
  method: string,
  path: string,
  { headers = {}, body }: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawAnswer> {
  const res = await request(`${c.api}${path}`, {
    method: method as 'GET',
    headers,
    body,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const text = await res.body.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), text, body: parsed };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const json = { 'content-type': 'application/json' };

/** The stable error shape, and nothing else: `{ error: { code, message, details } }`. */
export function expectApiError(res: { status: number; body: unknown }, status: number, code: string): void {
  expect({ status: res.status, code: (res.body as { error?: { code?: string } })?.error?.code }).toEqual({
    status,
    code,
  });
  expect(res.body).toEqual({
    error: { code, message: expect.any(String), details: expect.any(Object) },
  });
  const { message, details } = (res.body as { error: { message: string; details: unknown } }).error;
  expect(message.length).toBeGreaterThan(0);
  expect(Array.isArray(details)).toBe(false);
}

/** Whether a 400 names `field`: as a schema issue's path, or as the field a check refused. */
export function namesField(body: unknown, field: string): boolean {
  const details = (body as { error?: { details?: { field?: string; issues?: { path: string }[] } } })?.error?.details;
  return details?.field === field || (details?.issues ?? []).some((i) => i.path === field);
}

export interface SseEvent {
  id: number;
  event: string;
  data: Record<string, unknown>;
}

export interface SseStream {
  status: number;
  contentType: string;
  events: SseEvent[];
}

/** Parses `text/event-stream` blocks (id, event, data lines; `:` comments are heartbeats). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      fields[name] = fields[name] === undefined ? value : `${fields[name]}\n${value}`;
    }
    if (fields.data === undefined) continue;
    events.push({ id: Number(fields.id), event: fields.event ?? 'message', data: JSON.parse(fields.data) });
  }
  return events;
}

/**
 * Reads a server-sent event stream until the server ends it; fails (and hangs up) if it has
 * not ended within `timeoutMs`.
 */
export async function readSse(
  c: ControllerUnderTest,
  path: string,
  headers: Record<string, string>,
  timeoutMs = 60_000,
): Promise<SseStream> {
  const abort = new AbortController();
  const read = async (): Promise<SseStream> => {
    const res = await request(`${c.api}${path}`, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
      headersTimeout: 10_000,
      bodyTimeout: timeoutMs,
    });
    let text = '';
    for await (const chunk of res.body) text += (chunk as Buffer).toString('utf8');
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), events: parseSse(text) };
  };
  const reading = read();
  try {
    return await withTimeout(reading, timeoutMs, `the event stream ${path} to end`);
  } catch (err) {
    abort.abort();
    await reading.catch(() => undefined);
    throw err;
  }
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text exposition: one sample a line, `name{a="b",...} value`. */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

/** Samples named `name` whose labels include `labels`. */
export function find(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

export async function scrape(c: ControllerUnderTest): Promise<Sample[]> {
  const res = await send(c, 'GET', '/metrics');
  expect(res.status).toBe(200);
  return parseMetrics(res.text);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

/** The local edge's admin token, from the file only the user can read. */
export function edgeAdminToken(c: ControllerUnderTest, app = 'housing'): string {
  return readFileSync(join(c.stateDir, 'edge', app, 'admin-token'), 'utf8').trim();
}

/**
 * No secret in the controller's output, nor in any file under its state dir but the two that
 * hold them (the tokens file, each edge's admin-token): logs, database, edge state. Call once
 * the controller has stopped, so shutdown logging is included too; there must be logs to look at.
 */
export function expectNoSecretWritten(c: ControllerUnderTest, secrets: string[]): void {
  const output = c.proc.output();
  expect(output.length).toBeGreaterThan(0);
  const files = filesUnder(c.stateDir).filter(
    (f) => f !== join(c.stateDir, 'tokens.json') && basename(f) !== 'admin-token',
  );
  expect(files.filter((f) => f.endsWith('.log')).length).toBeGreaterThan(0);
  const leaks: string[] = [];
  for (const secret of secrets) {
    if (output.includes(secret)) leaks.push(`controller output contains ${secret.slice(0, 8)}…`);
    for (const file of files)
      if (readFileSync(file).includes(secret)) leaks.push(`${file} contains ${secret.slice(0, 8)}…`);
  }
  expect(leaks).toEqual([]);
}
