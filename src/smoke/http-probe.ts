import { request } from 'undici';

export interface ProbeResponse {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * One bounded HTTP call returning a value: a status and parsed JSON body, or the reason it
 * could not be made. Never throws for network trouble.
 */
export async function probe(
  url: string,
  opts: { method?: 'GET' | 'POST'; body?: unknown; timeoutMs: number },
): Promise<{ ok: true; response: ProbeResponse } | { ok: false; problem: string }> {
  try {
    const res = await request(url, {
      method: opts.method ?? 'GET',
      headers: opts.body === undefined ? {} : { 'content-type': 'application/json' },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const text = await res.body.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: keep the text so the report can quote it.
    }
    return { ok: true, response: { status: res.statusCode, body, headers: res.headers } };
  } catch (err) {
    return { ok: false, problem: `${url}: ${(err as Error).message}` };
  }
}
