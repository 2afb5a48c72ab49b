import { Injectable } from '@nestjs/common';
import { request } from 'undici';

export interface EdgeSample {
  ok: boolean;
  status?: number;
  release?: string;
  ms: number;
  error?: string;
}

/** User-like requests through the edge, as verification sends them after the flip. */
@Injectable()
export class EdgeSampler {
  async sample(edgeUrl: string, bodies: string[], concurrency: number, timeoutMs: number): Promise<EdgeSample[]> {
    const samples: EdgeSample[] = [];
    let next = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const started = performance.now();
        try {
          const res = await request(`${edgeUrl}/predict`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
          });
          const text = await res.body.text();
          const release = res.headers['x-release-id'];
          samples.push({
            ok: res.statusCode === 200,
            status: res.statusCode,
            release: typeof release === 'string' ? release : undefined,
            ms: performance.now() - started,
            error: res.statusCode === 200 ? undefined : `${res.statusCode} ${text.slice(0, 120)}`,
          });
        } catch (err) {
          samples.push({ ok: false, ms: performance.now() - started, error: (err as Error).message });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, worker));
    return samples;
  }
}
