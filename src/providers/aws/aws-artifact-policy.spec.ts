import { appSpecSchema } from '../../config/app-spec';
import { AwsArtifactPolicy, repositoryOf } from './aws-artifact-policy';

const REPO = '111122223333.dkr.ecr.eu-west-1.amazonaws.com/cutover-predictor';
const DIGEST = 'a'.repeat(64);

describe('AwsArtifactPolicy', () => {
  const open = appSpecSchema.parse({ name: 'housing' });
  const pinned = appSpecSchema.parse({ name: 'housing', aws: { imageRepositories: [REPO] } });
  const policy = new AwsArtifactPolicy();

  it('accepts an image with a tag, or a digest (which it records as the sha256)', async () => {
    await expect(policy.check(open, `${REPO}:3f9c2ab`)).resolves.toEqual({
      ok: true,
      artifact: `${REPO}:3f9c2ab`,
      sha256: undefined,
    });
    await expect(policy.check(open, `${REPO}@sha256:${DIGEST}`)).resolves.toEqual({
      ok: true,
      artifact: `${REPO}@sha256:${DIGEST}`,
      sha256: DIGEST,
    });
  });

  it.each([
    ['predictor/models/housing-v2.json', 'a container image (registry/repository:tag), not a model file'],
    [`${REPO}:latest`, 'mutable'],
    [REPO, 'needs a tag or a digest'],
    [`${REPO}:v1;rm -rf /`, 'not a valid image reference'],
  ])('refuses %s', async (artifact, problem) => {
    const checked = await policy.check(open, artifact);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.problem).toContain(problem);
  });

  it("keeps to the app's repositories when it lists any", async () => {
    await expect(policy.check(pinned, `${REPO}:v2`)).resolves.toMatchObject({ ok: true });
    await expect(policy.check(pinned, 'docker.io/attacker/predictor:v2')).resolves.toEqual({
      ok: false,
      problem: `image repository docker.io/attacker/predictor is not one of ${REPO}`,
    });
  });
});

describe('repositoryOf', () => {
  it.each([
    ['registry.example.com:5000/team/predictor:v1', 'registry.example.com:5000/team/predictor'],
    ['registry.example.com:5000/predictor@sha256:' + DIGEST, 'registry.example.com:5000/predictor'],
    ['predictor:v1', 'predictor'],
    [`${REPO}:v1@sha256:${DIGEST}`, REPO],
  ])('%s is in %s', (reference, repository) => {
    expect(repositoryOf(reference)).toBe(repository);
  });
});
