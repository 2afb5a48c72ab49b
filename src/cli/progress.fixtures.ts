import type { ServerEvent } from './api-types';

/** Events as the controller sends them for a deployment that succeeds (trimmed to what the CLI reads). */
export function ev(id: number, type: string, at: string, data: Record<string, unknown> = {}): ServerEvent {
  return { id: String(id), type, at: `2026-01-01T00:00:${at}Z`, data: { ...data, at: `2026-01-01T00:00:${at}Z` } };
}

export const SUCCEEDING: ServerEvent[] = [
  ev(1, 'created', '00.000', { release: 'v2', blue: 'v1' }),
  ev(2, 'step.started', '00.100', { step: 'provision', attempt: 1, reason: 'start' }),
  ev(3, 'phase', '00.100', { phase: 'Provisioning', from: 'Pending' }),
  ev(4, 'step.finished', '00.150', { step: 'provision', attempt: 1, status: 'succeeded', message: 'nothing to do' }),
  ev(5, 'step.started', '00.300', { step: 'deploy', attempt: 1, reason: 'profile ready' }),
  ev(6, 'step.finished', '00.350', { step: 'deploy', attempt: 1, status: 'waiting', message: 'starting pid 7' }),
  ev(7, 'step.started', '00.800', { step: 'deploy', attempt: 2, reason: 'look again' }),
  ev(8, 'step.finished', '00.850', { step: 'deploy', attempt: 2, status: 'waiting', message: 'starting pid 7' }),
  ev(9, 'step.started', '01.300', { step: 'deploy', attempt: 3, reason: 'look again' }),
  ev(10, 'step.finished', '01.700', { step: 'deploy', attempt: 3, status: 'succeeded', message: 'ready at :9' }),
  ev(11, 'step.started', '02.000', { step: 'smoke-test', attempt: 1, reason: 'workload ready' }),
  ev(12, 'step.finished', '02.500', { step: 'smoke-test', attempt: 1, status: 'succeeded', message: '10 checks' }),
  ev(13, 'phase', '02.500', { phase: 'AwaitingPromotion', from: 'SmokeTesting' }),
  ev(14, 'promoted', '03.000', { by: 'local-operator' }),
  ev(15, 'step.started', '03.100', { step: 'promote', attempt: 1, reason: 'approved' }),
  ev(16, 'step.finished', '03.200', { step: 'promote', attempt: 1, status: 'succeeded', message: 'edge on v2' }),
  ev(17, 'step.started', '03.300', { step: 'verify', attempt: 1, reason: 'flipped' }),
  ev(18, 'step.finished', '03.400', { step: 'verify', attempt: 1, status: 'succeeded', message: 'edge serves v2' }),
  ev(19, 'step.started', '06.400', { step: 'scale-down-blue', attempt: 1, reason: 'delay over' }),
  ev(20, 'step.finished', '07.000', { step: 'scale-down-blue', attempt: 1, status: 'succeeded', message: 'v1 gone' }),
  ev(21, 'phase', '07.000', { phase: 'Succeeded', from: 'ScalingDownBlue' }),
  ev(22, 'finished', '07.100', { phase: 'Succeeded', reason: 'blue retired' }),
];

/** A deployment whose green never becomes ready: the deploy step fails, green is torn down. */
export const FAILING: ServerEvent[] = [
  ev(1, 'created', '00.000', { release: 'bad', blue: 'v1' }),
  ev(2, 'step.started', '00.100', { step: 'provision', attempt: 1, reason: 'start' }),
  ev(3, 'step.finished', '00.150', { step: 'provision', attempt: 1, status: 'succeeded', message: 'nothing to do' }),
  ev(4, 'step.started', '00.300', { step: 'deploy', attempt: 1, reason: 'profile ready' }),
  ev(5, 'step.finished', '01.300', {
    step: 'deploy',
    attempt: 1,
    status: 'failed',
    message: 'the artifact is not valid JSON',
  }),
  ev(6, 'phase', '01.300', { phase: 'Failed', from: 'Deploying' }),
  ev(7, 'step.started', '01.500', { step: 'retire-green', attempt: 1, reason: 'unwind' }),
  ev(8, 'step.finished', '01.600', { step: 'retire-green', attempt: 1, status: 'failed', message: 'still running' }),
  ev(9, 'step.started', '03.600', { step: 'retire-green', attempt: 2, reason: 'unwind' }),
  ev(10, 'step.finished', '03.700', { step: 'retire-green', attempt: 2, status: 'succeeded', message: 'stopped' }),
  ev(11, 'finished', '03.800', { phase: 'Failed', reason: 'green retired' }),
];
