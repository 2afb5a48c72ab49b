import { join } from 'node:path';
import { launchDetached } from '../detached-process';
import { workloadMarker } from './process-identity';

export interface PredictorLaunch {
  nodePath: string;
  predictorMain: string;
  name: string;
  /** Passed whole; the controller's own environment (tokens, cloud credentials) is not inherited. */
  env: Record<string, string>;
  logPath: string;
  /** Written as a header into the log, so restarts are visible when reading it. */
  banner: string;
}

export function releaseLogPath(stateDir: string, name: string): string {
  return join(stateDir, 'releases', name, 'predictor.log');
}

/**
 * Starts the predictor detached, so a controller crash or restart leaves it serving, with the
 * marker argument that lets a later controller tell it from whatever reuses its pid.
 */
export function launchPredictor(launch: PredictorLaunch): Promise<number> {
  return launchDetached({
    nodePath: launch.nodePath,
    script: launch.predictorMain,
    args: [workloadMarker(launch.name)],
    env: launch.env,
    logPath: launch.logPath,
    banner: launch.banner,
  });
}
