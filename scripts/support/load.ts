import { Pool } from 'undici';

export interface LoadSample {
  /** Epoch ms when the request was sent. */
  at: number;
  ms: number;
  ok: boolean;
  release?: string;
  error?: string;
}

export interface LoadReport {
  sent: number;
  failed: number;
  byRelease: Record<string, number>;
  failures: string[];
  samples: LoadSample[];
}

export interface LoadOptions {
  /** Base URL, e.g. the edge. */
  url: string;
  body: string;
  concurrency: number;
  /** Hard bounds: the load stops at whichever comes first, or when stop() is called. */
  maxSeconds: number;
  maxRequests?: number;
  path?: string;
}

/**
 * Continuous POST traffic from `concurrency` workers, every answer recorded: status, latency and
 * which release answered (x-release-id). A request fails on a network error or any non-200.
 */
export class LoadGenerator {
  private stopped = false;
  private readonly samples: LoadSample[] = [];
  private run?: Promise<void>;

  constructor(private readonly options: LoadOptions) {}

  start(): this {
    const pool = new Pool(this.options.url, { connections: this.options.concurrency, pipelining: 1 });
    const deadline = Date.now() + this.options.maxSeconds * 1000;
    const max = this.options.maxRequests ?? Number.MAX_SAFE_INTEGER;
    const worker = async () => {
      while (!this.stopped && Date.now() < deadline && this.samples.length < max) {
        const at = Date.now();
        const t0 = performance.now();
        try {
          const res = await pool.request({
            path: this.options.path ?? '/predict',
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: this.options.body,
            headersTimeout: 10_000,
            bodyTimeout: 10_000,
          });
          const text = await res.body.text();
          const release = res.headers['x-release-id'];
          this.samples.push({
            at,
            ms: performance.now() - t0,
            ok: res.statusCode === 200,
            release: typeof release === 'string' ? release : undefined,
            error: res.statusCode === 200 ? undefined : `${res.statusCode} ${text.slice(0, 200)}`,
          });
        } catch (err) {
          this.samples.push({ at, ms: performance.now() - t0, ok: false, error: (err as Error).message });
        }
      }
    };
    this.run = Promise.all(Array.from({ length: this.options.concurrency }, worker)).then(() => pool.close());
    return this;
  }

  /** Stops sending, waits for requests in flight, and reports. */
  async stop(): Promise<LoadReport> {
    this.stopped = true;
    await this.run;
    return summarise(this.samples);
  }

  snapshot(): LoadReport {
    return summarise(this.samples);
  }
}

export function summarise(samples: LoadSample[]): LoadReport {
  const byRelease: Record<string, number> = {};
  for (const s of samples) if (s.ok && s.release) byRelease[s.release] = (byRelease[s.release] ?? 0) + 1;
  const failures = samples.filter((s) => !s.ok);
  return {
    sent: samples.length,
    failed: failures.length,
    byRelease,
    failures: [...new Set(failures.map((f) => f.error ?? 'unknown'))].slice(0, 10),
    samples,
  };
}

export { percentile } from '../../src/smoke/percentile';
