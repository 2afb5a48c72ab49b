import { request } from 'undici';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Named in the timeout error, e.g. "edge admin /healthz answering 200". */
  what?: string;
}

/**
 * Polls `probe` until it returns something other than undefined/false, or throws after the
 * deadline with the last error the probe threw. Every wait in a test should go through here.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 10_000, intervalMs = 50, what = 'condition' }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const reason = last instanceof Error ? ` (last error: ${last.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
    }
    await sleep(intervalMs);
  }
}

/** Settles like `promise`, or rejects once `ms` have passed; the timer never outlives it. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until `url` answers with a status `accept` likes (default: 2xx). */
export async function waitForHttp(
  url: string,
  {
    accept = (status: number) => status >= 200 && status < 300,
    ...options
  }: WaitOptions & { accept?: (status: number) => boolean } = {},
): Promise<void> {
  await waitFor(
    async () => {
      const res = await request(url, { headersTimeout: 2_000, bodyTimeout: 2_000 });
      await res.body.dump();
      if (!accept(res.statusCode)) throw new Error(`status ${res.statusCode}`);
      return true;
    },
    { what: `${url} to answer`, ...options },
  );
}
