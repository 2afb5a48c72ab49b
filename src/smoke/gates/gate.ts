import type { AppSpec } from '../../config/app-spec';
import type { SmokeCheck } from '../../deployments/domain/deployment';
import type { GoldenCase } from '../../../predictor/src/model/artifact.schema';
import type { VersionInfo } from '../predict-client';
import type { ReferenceData } from '../reference-data';

export interface ReleaseUnderTest {
  release: string;
  endpoint: string;
  version: VersionInfo;
}

/** Everything a gate may look at. Blue is absent for an app's first release. */
export interface GateContext {
  app: AppSpec;
  green: ReleaseUnderTest;
  blue?: ReleaseUnderTest;
  /** Green's golden set as the controller read it from the artifact (local), if it could. */
  golden?: { tolerance: number; cases: GoldenCase[] };
  reference: ReferenceData;
  declaredFeatureChange: boolean;
  timeoutMs: number;
}

export type Gate = (ctx: GateContext) => Promise<SmokeCheck | SmokeCheck[]>;

export function check(
  name: string,
  critical: boolean,
  passed: boolean,
  message: string,
  measured?: { value?: number | string; threshold?: number | string },
): SmokeCheck {
  return { name, passed, critical, message, ...measured };
}

export const round = (v: number, digits = 4): number => Number(v.toFixed(digits));
