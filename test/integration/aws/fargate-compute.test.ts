import 'aws-sdk-client-mock-jest';
import {
  CreateFargateProfileCommand,
  DeleteFargateProfileCommand,
  DescribeFargateProfileCommand,
  EKSClient,
} from '@aws-sdk/client-eks';
import { FargateCompute } from '../../../src/providers/aws/fargate-compute';
import type { ReleaseTarget } from '../../../src/providers/ports';
import { FakeEks } from './fakes/fake-eks';
import { drive, last } from './support/drive';

const CLUSTER = 'prod';
const ROLE = 'arn:aws:iam::111122223333:role/cutover-fargate-pods';
const SUBNETS = ['subnet-0aaa', 'subnet-0bbb'];
const MANAGED = { app: 'housing', 'managed-by': 'cutover' };

function target(release: string): ReleaseTarget {
  return {
    app: 'housing',
    release,
    artifact: `111122223333.dkr.ecr.eu-west-1.amazonaws.com/housing:${release}`,
    name: `housing-${release}`,
  };
}

describe('FargateCompute against a fake EKS', () => {
  let clock: number;
  let eks: FakeEks;
  let mock: ReturnType<FakeEks['install']>;

  function compute(subnets = SUBNETS): FargateCompute {
    return new FargateCompute({
      eks: new EKSClient({ region: 'eu-west-1' }),
      clusterName: CLUSTER,
      podExecutionRoleArn: ROLE,
      subnets,
      tags: { team: 'ml', 'managed-by': 'someone-else' },
      now: () => new Date(clock),
    });
  }

  beforeEach(() => {
    clock = Date.parse('2024-05-01T10:00:00Z');
    eks = new FakeEks({
      clusterName: CLUSTER,
      publicSubnets: ['subnet-public'],
      brokenSubnets: ['subnet-broken'],
      now: () => new Date(clock),
    });
    mock = eks.install();
  });

  afterEach(() => mock.restore());

  describe('ensureCapacity', () => {
    it('creates the profile with exact inputs, waits while CREATING, is done when ACTIVE', async () => {
      const results = await drive(() => compute().ensureCapacity(target('abc1234')));

      expect(results.map((r) => r.status)).toEqual(['progressing', 'progressing', 'progressing', 'done']);
      expect(results[0]).toMatchObject({
        retryAfterSeconds: 15,
        message: expect.stringContaining('creating fargate profile housing-abc1234'),
      });
      expect(results[1].message).toContain('is CREATING');
      expect(last(results).message).toBe(
        'fargate profile housing-abc1234 on cluster prod is ACTIVE and selects namespace housing-abc1234',
      );
      expect(mock).toHaveReceivedCommandTimes(CreateFargateProfileCommand, 1);
      expect(mock).toHaveReceivedCommandWith(CreateFargateProfileCommand, {
        clusterName: CLUSTER,
        fargateProfileName: 'housing-abc1234',
        podExecutionRoleArn: ROLE,
        subnets: SUBNETS,
        selectors: [{ namespace: 'housing-abc1234' }],
        // A configured tag cannot override managed-by: the IAM policy and releaseCapacity key on it.
        tags: { team: 'ml', app: 'housing', release: 'abc1234', 'managed-by': 'cutover' },
        clientRequestToken: expect.stringMatching(/^cutover-[0-9a-f]{32}-g1$/),
      });
    });

    it('sends nothing but a describe once the profile is ACTIVE', async () => {
      await drive(() => compute().ensureCapacity(target('abc1234')));
      mock.resetHistory();

      const again = await compute().ensureCapacity(target('abc1234'));

      expect(again.status).toBe('done');
      expect(mock).toHaveReceivedCommandTimes(DescribeFargateProfileCommand, 1);
      expect(mock).not.toHaveReceivedCommand(CreateFargateProfileCommand);
      expect(mock).not.toHaveReceivedCommand(DeleteFargateProfileCommand);
    });

    it('retries a create whose answer was lost with the same token, making one profile', async () => {
      eks.loseNextCreateAnswer();
      // The profile is made but the answer times out; the reconciler records the error and retries.
      await expect(compute().ensureCapacity(target('abc1234'))).rejects.toThrow('Connection timed out');
      // EKS's reads lag: the retry does not see the profile yet and creates again.
      eks.lagReads('housing-abc1234', 1);

      const results = await drive(() => compute().ensureCapacity(target('abc1234')));

      expect(last(results).status).toBe('done');
      const tokens = mock.commandCalls(CreateFargateProfileCommand).map((c) => c.args[0].input.clientRequestToken);
      expect(tokens).toHaveLength(2);
      expect(tokens[1]).toBe(tokens[0]);
      expect(eks.names()).toEqual(['housing-abc1234']);
    });

    it('waits while EKS is busy with another profile (ResourceInUseException), then creates', async () => {
      eks.seed({ fargateProfileName: 'housing-old', status: 'DELETING', tags: MANAGED, subnets: SUBNETS });

      const first = await compute().ensureCapacity(target('abc1234'));

      expect(first).toEqual({
        status: 'progressing',
        retryAfterSeconds: 20,
        message:
          'cannot create fargate profile housing-abc1234 on cluster prod yet, EKS runs one Fargate profile operation at a time: ' +
          'ResourceInUseException: Cannot create Fargate Profile housing-abc1234 because cluster prod currently has Fargate profile housing-old in status DELETING',
      });
      const rest = await drive(() => compute().ensureCapacity(target('abc1234')));
      expect(last(rest).status).toBe('done');
      expect(eks.names()).toEqual(['housing-abc1234']);
      // The refused create was not remembered: the accepted one used the same deterministic token.
      const tokens = mock.commandCalls(CreateFargateProfileCommand).map((c) => c.args[0].input.clientRequestToken);
      expect(new Set(tokens).size).toBe(1);
    });

    it('also waits when the busy cluster answers with another error code than ResourceInUseException', async () => {
      mock.restore();
      eks = new FakeEks({ clusterName: CLUSTER, busyErrorCode: 'InvalidRequestException', now: () => new Date(clock) });
      mock = eks.install();
      eks.seed({ fargateProfileName: 'housing-old', status: 'CREATING', tags: MANAGED });

      const first = await compute().ensureCapacity(target('abc1234'));

      expect(first).toMatchObject({
        status: 'progressing',
        message: expect.stringContaining(
          'InvalidRequestException: Cannot create Fargate Profile housing-abc1234 because',
        ),
      });
    });

    it('waits for a DELETING profile of the same name to go, then creates it again', async () => {
      eks.seed({ fargateProfileName: 'housing-abc1234', status: 'DELETING', tags: MANAGED, subnets: ['subnet-old'] });

      const first = await compute().ensureCapacity(target('abc1234'));
      expect(first).toMatchObject({
        status: 'progressing',
        message: expect.stringContaining('is still being deleted; it is created again once it is gone'),
      });
      expect(mock).not.toHaveReceivedCommand(CreateFargateProfileCommand);

      const results = await drive(() => compute().ensureCapacity(target('abc1234')));
      expect(last(results).status).toBe('done');
      expect(mock).toHaveReceivedCommandWith(CreateFargateProfileCommand, { subnets: SUBNETS });
    });

    it('recreates a released profile with the next token when EKS replays the old answer', async () => {
      await drive(() => compute().ensureCapacity(target('abc1234')));
      await drive(() => compute().releaseCapacity(target('abc1234')));
      expect(eks.names()).toEqual([]);
      clock += 30 * 60_000; // a redeploy of the same release, half an hour later

      const results = await drive(() => compute().ensureCapacity(target('abc1234')));

      expect(last(results).status).toBe('done');
      const tokens = mock.commandCalls(CreateFargateProfileCommand).map((c) => c.args[0].input.clientRequestToken);
      expect(tokens.map((t) => t?.slice(-3))).toEqual(['-g1', '-g1', '-g2']);
      expect(eks.statusOf('housing-abc1234')).toBe('ACTIVE');
    });

    it('also sees a replay when the profile is recreated soon after it was released (a quick rollback)', async () => {
      await drive(() => compute().ensureCapacity(target('abc1234')));
      await drive(() => compute().releaseCapacity(target('abc1234')));
      clock += 30_000; // well under the age that alone marks an answer as remembered

      const results = await drive(() => compute().ensureCapacity(target('abc1234')));

      expect(last(results).status).toBe('done');
      const tokens = mock.commandCalls(CreateFargateProfileCommand).map((c) => c.args[0].input.clientRequestToken);
      expect(tokens.map((t) => t?.slice(-3))).toEqual(['-g1', '-g1', '-g2']);
      expect(eks.statusOf('housing-abc1234')).toBe('ACTIVE');
    });

    it('fails with the health issue when the profile ends CREATE_FAILED', async () => {
      const results = await drive(() => compute(['subnet-broken']).ensureCapacity(target('abc1234')));

      expect(last(results)).toEqual({
        status: 'failed',
        message:
          'fargate profile housing-abc1234 on cluster prod failed to create: InternalFailure: Subnet subnet-broken has no route to EKS (subnet-broken)',
      });
    });

    it('fails quoting EKS when it refuses the request (a public subnet)', async () => {
      const result = await compute(['subnet-public']).ensureCapacity(target('abc1234'));

      expect(result).toEqual({
        status: 'failed',
        message:
          'EKS refused to create fargate profile housing-abc1234 on cluster prod: InvalidParameterException: Subnet subnet-public provided in Fargate Profile is not a private subnet',
      });
    });

    it.each([
      [
        'another selector',
        { selectors: [{ namespace: 'default' }] },
        'selects [namespace=default] instead of [namespace=housing-abc1234]',
      ],
      [
        'labels on the selector',
        { selectors: [{ namespace: 'housing-abc1234', labels: { tier: 'web' } }] },
        'labels{tier=web}',
      ],
      [
        'another role',
        { podExecutionRoleArn: 'arn:aws:iam::111122223333:role/other' },
        'uses pod execution role arn:aws:iam::111122223333:role/other',
      ],
      [
        'other subnets',
        { subnets: ['subnet-0aaa'] },
        'uses subnets [subnet-0aaa] instead of [subnet-0aaa, subnet-0bbb]',
      ],
      ['no managed-by tag', { tags: { app: 'housing' } }, 'is not tagged managed-by=cutover'],
    ])('fails on an existing profile with %s, never reusing it', async (_what, difference, expected) => {
      eks.seed({
        fargateProfileName: 'housing-abc1234',
        status: 'ACTIVE',
        podExecutionRoleArn: ROLE,
        subnets: [...SUBNETS].reverse(), // order does not matter
        selectors: [{ namespace: 'housing-abc1234' }],
        tags: MANAGED,
        ...difference,
      });

      const result = await compute().ensureCapacity(target('abc1234'));

      expect(result.status).toBe('failed');
      expect(result.message).toContain('fargate profile housing-abc1234 on cluster prod exists but');
      expect(result.message).toContain(expected);
      expect(mock).not.toHaveReceivedCommand(CreateFargateProfileCommand);
      expect(mock).not.toHaveReceivedCommand(DeleteFargateProfileCommand);
    });

    it('accepts an existing matching profile whose subnets are listed in another order', async () => {
      eks.seed({
        fargateProfileName: 'housing-abc1234',
        status: 'ACTIVE',
        podExecutionRoleArn: ROLE,
        subnets: [...SUBNETS].reverse(),
        selectors: [{ namespace: 'housing-abc1234' }],
        tags: MANAGED,
      });

      expect((await compute().ensureCapacity(target('abc1234'))).status).toBe('done');
    });

    it.each([
      ['uppercase', 'housing-ABC1234', 'must be a DNS-1123 label'],
      ['an underscore', 'housing_abc1234', 'must be a DNS-1123 label'],
      ['64 characters', `housing-${'a'.repeat(56)}`, 'longer than 63 characters'],
      ['101 characters', `housing-${'a'.repeat(93)}`, "longer than 100 characters (EKS's limit)"],
      ['nothing', '', 'is empty'],
    ])('fails without calling EKS on a name with %s', async (_what, name, expected) => {
      const result = await compute().ensureCapacity({ ...target('abc1234'), name });

      expect(result.status).toBe('failed');
      expect(result.message).toContain(expected);
      expect(mock).not.toHaveReceivedAnyCommand();
    });

    it('fails on a profile stuck in DELETE_FAILED', async () => {
      eks.seed({
        fargateProfileName: 'housing-abc1234',
        status: 'DELETE_FAILED',
        tags: MANAGED,
        health: { issues: [{ code: 'AccessDenied', message: 'eks:DeleteFargateProfile denied' }] },
      });

      expect(await compute().ensureCapacity(target('abc1234'))).toEqual({
        status: 'failed',
        message:
          'fargate profile housing-abc1234 on cluster prod is DELETE_FAILED and cannot be used: AccessDenied: eks:DeleteFargateProfile denied',
      });
    });
  });

  describe('releaseCapacity', () => {
    it('deletes the profile, waits while DELETING, is done when it is gone', async () => {
      await drive(() => compute().ensureCapacity(target('abc1234')));
      mock.resetHistory();

      const results = await drive(() => compute().releaseCapacity(target('abc1234')));

      expect(results.map((r) => r.status)).toEqual(['progressing', 'progressing', 'progressing', 'done']);
      expect(results[0].message).toBe('deleting fargate profile housing-abc1234 on cluster prod (was ACTIVE)');
      expect(results[1].message).toBe('fargate profile housing-abc1234 on cluster prod is being deleted');
      expect(mock).toHaveReceivedCommandTimes(DeleteFargateProfileCommand, 1);
      expect(mock).toHaveReceivedCommandWith(DeleteFargateProfileCommand, {
        clusterName: CLUSTER,
        fargateProfileName: 'housing-abc1234',
      });

      mock.resetHistory();
      expect((await compute().releaseCapacity(target('abc1234'))).message).toBe(
        'fargate profile housing-abc1234 on cluster prod does not exist; no capacity to release',
      );
      expect(mock).not.toHaveReceivedCommand(DeleteFargateProfileCommand);
    });

    it('deletes a CREATE_FAILED profile, so a retry can create it again', async () => {
      await drive(() => compute(['subnet-broken']).ensureCapacity(target('abc1234')));

      const results = await drive(() => compute(['subnet-broken']).releaseCapacity(target('abc1234')));

      expect(last(results).status).toBe('done');
      expect(mock).toHaveReceivedCommandTimes(DeleteFargateProfileCommand, 1);
    });

    it('waits, without asking EKS to delete, while the profile is still CREATING', async () => {
      await compute().ensureCapacity(target('abc1234'));

      const result = await compute().releaseCapacity(target('abc1234'));

      expect(result).toMatchObject({ status: 'progressing', message: expect.stringContaining('still being created') });
      expect(mock).not.toHaveReceivedCommand(DeleteFargateProfileCommand);
    });

    it('waits when EKS is busy with another profile (ResourceInUseException)', async () => {
      await drive(() => compute().ensureCapacity(target('abc1234')));
      eks.seed({ fargateProfileName: 'housing-next', status: 'CREATING', tags: MANAGED }, 10);

      const result = await compute().releaseCapacity(target('abc1234'));

      expect(result).toMatchObject({
        status: 'progressing',
        retryAfterSeconds: 20,
        message: expect.stringContaining(
          'ResourceInUseException: Cannot delete Fargate Profile housing-abc1234 because cluster prod currently has Fargate profile housing-next in status CREATING',
        ),
      });
      expect(eks.statusOf('housing-abc1234')).toBe('ACTIVE');
    });

    it('refuses to delete a profile cutover did not make', async () => {
      eks.seed({ fargateProfileName: 'housing-abc1234', status: 'ACTIVE', tags: { owner: 'platform-team' } });

      const result = await compute().releaseCapacity(target('abc1234'));

      expect(result.status).toBe('failed');
      expect(result.message).toContain('was not made by cutover');
      expect(mock).not.toHaveReceivedCommand(DeleteFargateProfileCommand);
    });
  });
});
