import { request } from 'undici';

/**
 * What a predictor's /readyz says. `not-ready` is final: the predictor answers 503 only once
 * loading is over, and a model that failed to load never becomes ready.
 */
export type Readiness =
  | { kind: 'ready' }
  | { kind: 'not-ready'; reason: string }
  /** Nothing useful answered yet: still booting, or the port is not (yet) its own. */
  | { kind: 'no-answer'; detail: string };

/** Reads a /readyz answer, requiring it to come from `release` so a stranger on the port never counts. */
export function classifyReadiness(statusCode: number, body: string, release: string): Readiness {
  let parsed: { status?: unknown; reason?: unknown; release?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return { kind: 'no-answer', detail: `/readyz answered ${statusCode} with a body that is not JSON` };
  }
  if (parsed === null || typeof parsed !== 'object') {
    return { kind: 'no-answer', detail: `/readyz answered ${statusCode} with an unexpected body` };
  }
  if (parsed.release !== release) {
    return { kind: 'no-answer', detail: `/readyz answered for release ${String(parsed.release)}, not ${release}` };
  }
  if (statusCode === 200 && parsed.status === 'ready') return { kind: 'ready' };
  if (statusCode === 503 && parsed.status === 'not-ready' && typeof parsed.reason === 'string') {
    return { kind: 'not-ready', reason: parsed.reason };
  }
  return { kind: 'no-answer', detail: `/readyz answered ${statusCode} (${String(parsed.status)})` };
}

export async function probeReadiness(endpoint: string, release: string, timeoutMs: number): Promise<Readiness> {
  try {
    const res = await request(`${endpoint}/readyz`, {
      // One connection per probe: a pooled keep-alive socket would outlive the controller's interest.
      reset: true,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return classifyReadiness(res.statusCode, await res.body.text(), release);
  } catch (err) {
    return { kind: 'no-answer', detail: `/readyz did not answer: ${(err as Error).message}` };
  }
}
