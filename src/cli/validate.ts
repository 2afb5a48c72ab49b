import { DNS1123_LABEL, MAX_APP_LENGTH, describeReleaseIdProblem } from '../deployments/domain/names';
import { UsageError } from './cli-errors';

/** Checks made before any request, so a typo never reaches the controller. */

export function checkRelease(release: string, option = 'release'): string {
  const problem = describeReleaseIdProblem(release);
  if (problem) throw new UsageError(`invalid ${option} "${release.slice(0, 60)}": ${problem}`);
  return release;
}

export function checkApp(app: string): string {
  if (app.length > MAX_APP_LENGTH || !DNS1123_LABEL.test(app))
    throw new UsageError(
      `invalid app "${app.slice(0, 60)}": an app is a DNS-1123 label of at most ${MAX_APP_LENGTH} characters`,
    );
  return app;
}

export function checkDeploymentId(id: string): string {
  if (id.length > 120 || !/^[a-z0-9][-a-z0-9]*$/.test(id))
    throw new UsageError(`invalid deployment id "${id.slice(0, 60)}"`);
  return id;
}

export function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError(`--limit must be an integer from 1 to 100`);
  return n;
}
