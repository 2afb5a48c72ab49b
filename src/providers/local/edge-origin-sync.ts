import { resourceName } from '../../deployments/domain/names';
import type { EdgePort, WorkloadPort } from '../ports';

export interface OriginSyncLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * Keeps each app's local edge pointed at where its release actually answers. A release the
 * supervisor restarted on another port (its old port was taken) would otherwise leave the edge
 * sending users to a dead address: this is the endpoints controller of the local provider.
 * It only ever re-points the edge to the same release, never changes which release serves.
 */
export async function syncEdgeOrigin(
  app: string,
  edge: EdgePort,
  workload: WorkloadPort,
  logger: OriginSyncLogger,
): Promise<boolean> {
  const origin = await edge.currentOrigin(app);
  if (!origin) return false;
  const target = { app, release: origin.release, artifact: '', name: resourceName(app, origin.release) };
  const endpoint = await workload.findEndpoint(target);
  if (!endpoint || endpoint === origin.endpoint.replace(/\/$/, '')) return false;
  const result = await edge.routeTo(app, { release: origin.release, endpoint });
  logger.warn(
    { app, release: origin.release, from: origin.endpoint, to: endpoint, result: result.status },
    `edge re-pointed to ${origin.release} at ${endpoint}`,
  );
  return result.status === 'done';
}
