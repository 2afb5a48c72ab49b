import type { AppSpec } from '../../config/app-spec';
import { describeImageReferenceProblem } from '../../deployments/domain/names';
import type { ArtifactCheck, ArtifactPolicy } from '../artifact-policy';

const DIGEST = /@sha256:([a-f0-9]{64})$/;

/**
 * On aws a release's artifact is the image its pods run: a valid reference naming exact
 * bytes (a tag other than `latest`, or a digest), from one of the app's allowed repositories
 * when the app lists any. Nothing is pulled here; a missing image shows up as ImagePullBackOff.
 */
export class AwsArtifactPolicy implements ArtifactPolicy {
  check(app: AppSpec, artifact: string): Promise<ArtifactCheck> {
    return Promise.resolve(checkImage(app, artifact));
  }
}

function checkImage(app: AppSpec, artifact: string): ArtifactCheck {
  if (artifact.endsWith('.json')) {
    return {
      ok: false,
      problem: 'on the aws provider a release is a container image (registry/repository:tag), not a model file',
    };
  }
  const problem = describeImageReferenceProblem(artifact);
  if (problem) return { ok: false, problem: `artifact must be a container image reference: ${problem}` };
  const allowed = app.aws.imageRepositories;
  const repository = repositoryOf(artifact);
  if (allowed.length > 0 && !allowed.includes(repository)) {
    return { ok: false, problem: `image repository ${repository} is not one of ${allowed.join(', ')}` };
  }
  // The same digest is the same bytes, so the shift gate may treat two such releases as one model.
  return { ok: true, artifact, sha256: DIGEST.exec(artifact)?.[1] };
}

/** `registry/name` without tag or digest. A colon before the last slash is a registry port, not a tag. */
export function repositoryOf(reference: string): string {
  const withoutDigest = reference.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
}
