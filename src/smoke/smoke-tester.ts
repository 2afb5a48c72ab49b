import { Injectable } from '@nestjs/common';
import type { AppSpec } from '../config/app-spec';
import type { SmokeCheck, SmokeReport } from '../deployments/domain/deployment';
import type { GoldenCase } from '../../predictor/src/model/artifact.schema';
import { contractGate } from './gates/contract.gate';
import { check, type Gate, type GateContext, type ReleaseUnderTest } from './gates/gate';
import { goldenGate } from './gates/golden.gate';
import { latencyGate } from './gates/latency.gate';
import { qualityGate } from './gates/quality.gate';
import { schemaGate } from './gates/schema.gate';
import { shiftGate } from './gates/shift.gate';
import { probe } from './http-probe';
import { fetchVersion } from './predict-client';
import type { ReferenceData } from './reference-data';

export interface SmokeTarget {
  app: AppSpec;
  endpoint: string;
  release: string;
  /** Blue, when it runs: the gates compare green with it. */
  blue?: { release: string; endpoint: string };
  golden?: { tolerance: number; cases: GoldenCase[] };
  reference: ReferenceData;
  declaredFeatureChange?: boolean;
  /** A rollback returns to a release that already served users: comparing it with blue would block the way back. */
  rollback?: boolean;
}

/** Gates that judge green against blue; a rollback skips them. */
const COMPARATIVE = new Set(['quality', 'shift']);

const GATES: [keyof AppSpec['smoke'], Gate][] = [
  ['schema', schemaGate],
  ['golden', goldenGate],
  ['contract', contractGate],
  ['quality', qualityGate],
  ['shift', shiftGate],
  ['latency', latencyGate],
];

/**
 * Tests green on its own endpoint before any user sees it: ready, the expected release, then
 * the model-aware gates. Every check is recorded with its value, threshold and a sentence.
 * A failed critical gate fails the deployment; a failed non-critical one needs an override.
 */
@Injectable()
export class SmokeTester {
  async run(target: SmokeTarget): Promise<SmokeReport> {
    const startedAt = new Date().toISOString();
    const timeoutMs = target.app.smoke.requestTimeoutMs;
    const checks: SmokeCheck[] = [await this.checkReady(target.endpoint, timeoutMs)];
    const version = await fetchVersion(target.endpoint, timeoutMs);
    const versionCheck = !version.ok
      ? check('version', true, false, `version did not answer: ${version.problem}`)
      : version.info.release === target.release
        ? check('version', true, true, `serves release ${version.info.release} with model ${version.info.model?.id}`, {
            value: String(version.info.release),
            threshold: target.release,
          })
        : check('version', true, false, `serves release ${String(version.info.release)}, expected ${target.release}`, {
            value: String(version.info.release),
            threshold: target.release,
          });
    checks.push(versionCheck);
    if (checks.every((c) => c.passed) && version.ok) {
      const ctx: GateContext = {
        app: target.app,
        green: { release: target.release, endpoint: target.endpoint, version: version.info },
        blue: await this.describeBlue(target, timeoutMs),
        golden: target.golden,
        reference: target.reference,
        declaredFeatureChange: target.declaredFeatureChange ?? false,
        timeoutMs,
      };
      for (const [name, gate] of GATES) {
        if (!target.app.smoke[name as 'schema'].enabled) continue;
        if (target.rollback && COMPARATIVE.has(name)) {
          checks.push(
            check(
              name === 'shift' ? 'prediction-shift' : name,
              false,
              true,
              'skipped: a rollback returns to a release that already served users',
            ),
          );
          continue;
        }
        checks.push(...[await gate(ctx)].flat());
      }
    }
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
    if (!res.ok) return check('ready', true, false, `readyz did not answer: ${res.problem}`);
    const reason = (res.response.body as { reason?: string })?.reason;
    return res.response.status === 200
      ? check('ready', true, true, 'readyz answered 200')
      : check('ready', true, false, `readyz answered ${res.response.status}${reason ? `: ${reason}` : ''}`);
  }

  private async describeBlue(target: SmokeTarget, timeoutMs: number): Promise<ReleaseUnderTest | undefined> {
    if (!target.blue) return undefined;
    const version = await fetchVersion(target.blue.endpoint, timeoutMs);
    return version.ok ? { ...target.blue, version: version.info } : undefined;
  }
}
