import { Injectable } from '@nestjs/common';
import type { AppSpec } from '../config/app-spec';
import type { SmokeCheck, SmokeReport } from '../deployments/domain/deployment';
import { probe } from './http-probe';

export interface SmokeTarget {
  endpoint: string;
  release: string;
  app: AppSpec;
}

/**
 * Checks green on its own endpoint before any user sees it: ready, `/version` names the
 * expected release, and the model reproduces its golden set (`/smoke`). Every check is
 * recorded with a sentence a person can read.
 */
@Injectable()
export class SmokeTester {
  async run(target: SmokeTarget): Promise<SmokeReport> {
    const startedAt = new Date().toISOString();
    const timeoutMs = target.app.smoke.requestTimeoutMs;
    const checks: SmokeCheck[] = [];
    checks.push(await this.checkReady(target.endpoint, timeoutMs));
    checks.push(await this.checkVersion(target, timeoutMs));
    checks.push(await this.checkGoldenSet(target.endpoint, timeoutMs));
    return {
      passed: checks.every((c) => c.passed || !c.critical),
      startedAt,
      finishedAt: new Date().toISOString(),
      target: target.endpoint,
      checks,
    };
  }

  private async checkReady(endpoint: string, timeoutMs: number): Promise<SmokeCheck> {
    const res = await probe(`${endpoint}/readyz`, { timeoutMs });
    if (!res.ok) return check('ready', false, `readyz did not answer: ${res.problem}`);
    const reason = (res.response.body as { reason?: string })?.reason;
    return res.response.status === 200
      ? check('ready', true, 'readyz answered 200')
      : check('ready', false, `readyz answered ${res.response.status}${reason ? `: ${reason}` : ''}`);
  }

  private async checkVersion(target: SmokeTarget, timeoutMs: number): Promise<SmokeCheck> {
    const res = await probe(`${target.endpoint}/version`, { timeoutMs });
    if (!res.ok) return check('version', false, `version did not answer: ${res.problem}`);
    const body = res.response.body as { release?: string; model?: { id?: string } };
    if (res.response.status !== 200) return check('version', false, `version answered ${res.response.status}`);
    return body.release === target.release
      ? {
          ...check('version', true, `serves release ${body.release} with model ${body.model?.id}`),
          value: body.release,
          threshold: target.release,
        }
      : {
          ...check('version', false, `serves release ${String(body.release)}, expected ${target.release}`),
          value: String(body.release),
          threshold: target.release,
        };
  }

  private async checkGoldenSet(endpoint: string, timeoutMs: number): Promise<SmokeCheck> {
    const res = await probe(`${endpoint}/smoke`, { timeoutMs });
    if (!res.ok) return check('golden-set', false, `smoke did not answer: ${res.problem}`);
    const body = res.response.body as { passed?: boolean; failed?: number; cases?: unknown[] };
    const total = Array.isArray(body.cases) ? body.cases.length : 0;
    return body.passed === true && res.response.status === 200
      ? { ...check('golden-set', true, `all ${total} golden cases reproduced`), value: 0, threshold: 0 }
      : {
          ...check(
            'golden-set',
            false,
            `${body.failed ?? '?'} of ${total} golden cases off (status ${res.response.status})`,
          ),
          value: body.failed ?? -1,
          threshold: 0,
        };
  }
}

function check(name: string, passed: boolean, message: string): SmokeCheck {
  return { name, passed, critical: true, message };
}
