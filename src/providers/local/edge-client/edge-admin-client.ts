import { request } from 'undici';

export interface EdgeAdminState {
  origin: { url: string; release: string } | null;
  generation: number;
  updatedAt: string | null;
}

/** The local edge's admin API, on loopback, with its token. Network trouble is thrown. */
export class EdgeAdminClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: () => string,
    private readonly timeoutMs = 3_000,
  ) {}

  async healthy(): Promise<boolean> {
    try {
      const res = await request(`${this.baseUrl}/healthz`, {
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      await res.body.dump();
      return res.statusCode === 200;
    } catch {
      return false;
    }
  }

  async get(): Promise<EdgeAdminState> {
    return this.call('GET');
  }

  async put(origin: { url: string; release: string }): Promise<EdgeAdminState> {
    return this.call('PUT', origin);
  }

  private async call(method: 'GET' | 'PUT', body?: unknown): Promise<EdgeAdminState> {
    const res = await request(`${this.baseUrl}/admin/origin`, {
      method,
      headers: { authorization: `Bearer ${this.token()}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200)
      throw new Error(`edge admin ${method} answered ${res.statusCode}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as EdgeAdminState;
  }
}
