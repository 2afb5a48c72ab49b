import { Injectable } from '@nestjs/common';
import { probe } from './http-probe';

/** Asks the edge, as a user would, which release answers. */
@Injectable()
export class EdgeVerifier {
  async servedRelease(edgeUrl: string, timeoutMs: number): Promise<{ release?: string; problem?: string }> {
    const res = await probe(`${edgeUrl}/version`, { timeoutMs });
    if (!res.ok) return { problem: res.problem };
    if (res.response.status !== 200) return { problem: `status ${res.response.status}` };
    const release = (res.response.body as { release?: unknown }).release;
    return typeof release === 'string' ? { release } : { problem: 'no release in /version' };
  }
}
