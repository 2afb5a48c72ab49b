import type { Deployment } from './deployment';

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

/** A deployment of housing v2 over blue v1, freshly created at T0; override what a case needs. */
export function aDeployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'd-1',
    app: 'housing',
    release: 'v2',
    artifact: 'predictor/models/housing-v2.json',
    kind: 'deploy',
    trigger: { source: 'ci', commit: 'abc1234' },
    blue: { release: 'v1', artifact: 'predictor/models/housing-v1.json' },
    autoPromote: true,
    allowedThrough: 'all',
    checkpoints: {},
    steps: [],
    progressAt: at(0),
    createdAt: at(0),
    updatedAt: at(0),
    version: 1,
    ...overrides,
  };
}
