import { probe } from './http-probe';

export type Predictions = { ok: true; values: number[]; ms: number } | { ok: false; problem: string; status?: number };

/** Sends rows as `{"instances": [...]}` and reads `prediction`; every way it can go wrong is a value. */
export async function predictInstances(
  endpoint: string,
  rows: Record<string, number>[],
  timeoutMs: number,
): Promise<Predictions> {
  const started = performance.now();
  const res = await probe(`${endpoint}/predict`, { method: 'POST', body: { instances: rows }, timeoutMs });
  const ms = performance.now() - started;
  if (!res.ok) return { ok: false, problem: res.problem };
  const values = (res.response.body as { prediction?: unknown }).prediction;
  if (res.response.status !== 200)
    return { ok: false, status: res.response.status, problem: `answered ${res.response.status}` };
  if (
    !Array.isArray(values) ||
    values.length !== rows.length ||
    !values.every((v) => typeof v === 'number' && Number.isFinite(v))
  ) {
    return { ok: false, status: 200, problem: `answered 200 without ${rows.length} finite predictions` };
  }
  return { ok: true, values: values as number[], ms };
}

export interface VersionInfo {
  release?: string;
  model?: { id?: string; version?: string; sha256?: string };
  features?: string[];
}

export async function fetchVersion(
  endpoint: string,
  timeoutMs: number,
): Promise<{ ok: true; info: VersionInfo } | { ok: false; problem: string }> {
  const res = await probe(`${endpoint}/version`, { timeoutMs });
  if (!res.ok) return { ok: false, problem: res.problem };
  if (res.response.status !== 200) return { ok: false, problem: `version answered ${res.response.status}` };
  return { ok: true, info: res.response.body as VersionInfo };
}
