import 'aws-sdk-client-mock-jest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudFrontClient, GetDistributionCommand } from '@aws-sdk/client-cloudfront';
import { CloudFrontEdge } from '../../../src/providers/aws/cloudfront-edge';
import { FakeCloudFormation } from './fakes/fake-cloudformation';
import { FakeCloudFront } from './fakes/fake-cloudfront';
import { drive, last } from './support/drive';

const EDGE_TEMPLATE = readFileSync(join(__dirname, '../../../cloudformation/edge.yaml'), 'utf8');
const STACK = 'cutover-edge-housing';
const BLUE = 'k8s-housingb-predicto-1111111111-1111111111.eu-west-1.elb.amazonaws.com';
const GREEN = 'k8s-housingg-predicto-2222222222-2222222222.eu-west-1.elb.amazonaws.com';
const green = { release: 'green2', endpoint: `http://${GREEN}` };
const blue = { release: 'blue1', endpoint: `http://${BLUE}` };
const REFUSED =
  'Resource handler returned message: "Invalid request provided: AWS::CloudFront::Distribution: The parameter Origin DomainName does not refer to a valid S3 bucket or custom origin." (HandlerErrorCode: InvalidRequest)';

describe('CloudFrontEdge against fake CloudFormation and CloudFront', () => {
  let cloudfront: FakeCloudFront;
  let cfn: FakeCloudFormation;
  let cfnMock: ReturnType<FakeCloudFormation['install']>;
  let cfMock: ReturnType<FakeCloudFront['install']>;
  let edge: CloudFrontEdge;
  let distributionId: string;

  function setUp(options: { eventsPageSize?: number; parameters?: Record<string, string> } = {}) {
    cfnMock?.restore();
    cfMock?.restore();
    cloudfront = new FakeCloudFront();
    cfn = new FakeCloudFormation({
      resources: cloudfront.edgeStackResources(),
      eventsPageSize: options.eventsPageSize,
    });
    cfnMock = cfn.install();
    cfMock = cloudfront.install();
    cfn.seedStack({
      stackName: STACK,
      templateBody: EDGE_TEMPLATE,
      parameters: { AppName: 'housing', OriginDomainName: BLUE, OriginRelease: 'blue1', ...options.parameters },
    });
    cloudfront.deployAll();
    distributionId = cfn.stack(STACK)?.outputs.DistributionId ?? '';
    edge = new CloudFrontEdge({
      cloudformation: new CloudFormationClient({ region: 'eu-west-1' }),
      cloudfront: new CloudFrontClient({ region: 'eu-west-1' }),
      stacks: { housing: { stackName: STACK, publicUrl: 'https://d1abcdef.cloudfront.net/' } },
      now: () => new Date('2024-05-01T10:00:00Z'),
    });
  }

  /** Someone else's update (an operator by hand), outside the adapter. */
  function updateByHand(release: string, host: string) {
    cfn.updateStack({
      StackName: STACK,
      UsePreviousTemplate: true,
      ClientRequestToken: 'console-update-1',
      Parameters: [
        { ParameterKey: 'AppName', UsePreviousValue: true },
        { ParameterKey: 'OriginDomainName', ParameterValue: host },
        { ParameterKey: 'OriginRelease', ParameterValue: release },
      ],
    });
  }

  beforeEach(() => setUp());
  afterEach(() => {
    cfnMock.restore();
    cfMock.restore();
  });

  it('names the public URL without a trailing slash, and refuses an app it has no stack for', () => {
    expect(edge.publicUrl('housing')).toBe('https://d1abcdef.cloudfront.net');
    expect(() => edge.publicUrl('nope')).toThrow('no edge stack is configured for app nope');
  });

  describe('currentOrigin', () => {
    it('reads the origin and its release from the stack parameters', async () => {
      expect(await edge.currentOrigin('housing')).toEqual(blue);
    });

    it('speaks https when the stack reaches its origin over https-only', async () => {
      setUp({ parameters: { OriginProtocol: 'https-only' } });
      expect(await edge.currentOrigin('housing')).toEqual({ release: 'blue1', endpoint: `https://${BLUE}` });
    });

    it('is null when the stack does not exist', async () => {
      const other = new CloudFrontEdge({
        cloudformation: new CloudFormationClient({ region: 'eu-west-1' }),
        cloudfront: new CloudFrontClient({ region: 'eu-west-1' }),
        stacks: { housing: { stackName: 'cutover-edge-missing', publicUrl: 'https://x.cloudfront.net' } },
      });
      expect(await other.currentOrigin('housing')).toBeNull();
    });
  });

  describe('routeTo', () => {
    it('updates the stack parameters with exact inputs, waits for the stack, then for the distribution', async () => {
      const results = await drive(() => edge.routeTo('housing', green));

      expect(results.map((r) => r.status)).toEqual([
        'progressing', // UpdateStack sent
        'progressing', // UPDATE_IN_PROGRESS
        'progressing', // UPDATE_IN_PROGRESS
        'progressing', // UPDATE_COMPLETE, distribution InProgress
        'progressing', // distribution InProgress
        'done', // distribution Deployed
      ]);
      expect(results[0]).toMatchObject({
        retryAfterSeconds: 10,
        message: expect.stringContaining(`updating edge stack ${STACK} to origin ${GREEN} (release green2)`),
      });
      expect(results[1].message).toBe(`edge stack ${STACK}: it is UPDATE_IN_PROGRESS`);
      expect(results[3]).toMatchObject({
        retryAfterSeconds: 15,
        message: `distribution ${distributionId} is InProgress, spreading origin ${GREEN} to edge locations`,
      });
      expect(last(results).message).toBe(
        `edge serves release green2: distribution ${distributionId} is Deployed with origin ${GREEN}`,
      );

      expect(cfnMock).toHaveReceivedCommandTimes(UpdateStackCommand, 1);
      const input = cfnMock.commandCalls(UpdateStackCommand)[0].args[0].input;
      expect(input).toEqual({
        StackName: STACK,
        UsePreviousTemplate: true,
        Parameters: [
          { ParameterKey: 'AppName', UsePreviousValue: true },
          { ParameterKey: 'OriginDomainName', ParameterValue: GREEN },
          { ParameterKey: 'OriginRelease', ParameterValue: 'green2' },
          { ParameterKey: 'OriginProtocol', UsePreviousValue: true },
          { ParameterKey: 'PriceClass', UsePreviousValue: true },
        ],
        ClientRequestToken: expect.stringMatching(/^cutover-route-[0-9a-f]{16}-[0-9a-z]+$/),
      });
      expect(input).not.toHaveProperty('Capabilities');
      expect(cloudfront.originOf(distributionId)).toBe(GREEN);
      expect(await edge.currentOrigin('housing')).toEqual(green);
    });

    it('sends no update once routed: one more call only looks', async () => {
      await drive(() => edge.routeTo('housing', green));
      cfnMock.resetHistory();
      cfMock.resetHistory();

      const again = await edge.routeTo('housing', green);

      expect(again.status).toBe('done');
      expect(cfnMock).not.toHaveReceivedCommand(UpdateStackCommand);
      expect(cfMock).toHaveReceivedCommandWith(GetDistributionCommand, { Id: distributionId });
    });

    it('waits for the distribution when the stack already names the target', async () => {
      cloudfront.setOrigin(distributionId, BLUE); // freshly created, still spreading

      const results = await drive(() => edge.routeTo('housing', blue));

      expect(results.map((r) => r.status)).toEqual(['progressing', 'progressing', 'done']);
      expect(cfnMock).not.toHaveReceivedCommand(UpdateStackCommand);
    });

    it('waits, without updating, while another operation is in progress on the stack', async () => {
      updateByHand('other3', 'other.example.com');

      const result = await edge.routeTo('housing', green);

      expect(result).toEqual({
        status: 'progressing',
        retryAfterSeconds: 10,
        message: `edge stack ${STACK}: it is UPDATE_IN_PROGRESS`,
      });
      expect(cfnMock).not.toHaveReceivedCommand(UpdateStackCommand);
    });

    it('fails with the first failed resource event when CloudFormation rolls our update back', async () => {
      setUp({ eventsPageSize: 3 }); // the reason is found across pages of events
      cfn.failNextUpdate({ resource: 'Distribution', reason: REFUSED });

      const results = await drive(() => edge.routeTo('housing', green));

      expect(results.slice(0, -1).map((r) => r.message)).toEqual([
        `updating edge stack ${STACK} to origin ${GREEN} (release green2); before, its origin is ${BLUE} (release blue1) and it is CREATE_COMPLETE`,
        `edge stack ${STACK}: it is UPDATE_IN_PROGRESS`,
        `edge stack ${STACK}: it is UPDATE_IN_PROGRESS`,
        `edge stack ${STACK}: it is UPDATE_ROLLBACK_IN_PROGRESS`,
        `edge stack ${STACK}: it is UPDATE_ROLLBACK_IN_PROGRESS`,
        `edge stack ${STACK}: it is UPDATE_ROLLBACK_IN_PROGRESS`,
      ]);
      expect(last(results).message).toBe(
        `CloudFormation rolled back the update of edge stack ${STACK} to ${GREEN} (release green2): ` +
          `Distribution UPDATE_FAILED: ${REFUSED}; the edge still serves release blue1`,
      );
      expect(cfnMock).toHaveReceivedCommandTimes(UpdateStackCommand, 1);
      // Three pages of three events reach the start of the failed update, and no further.
      expect(cfnMock).toHaveReceivedCommandTimes(DescribeStackEventsCommand, 3);
      expect(cloudfront.originOf(distributionId)).toBe(BLUE);

      // Asking again does not retry the update that was just refused.
      cfnMock.resetHistory();
      expect((await edge.routeTo('housing', green)).status).toBe('failed');
      expect(cfnMock).not.toHaveReceivedCommand(UpdateStackCommand);
    });

    it('restores blue after a rolled-back flip: "No updates are to be performed" is success', async () => {
      cfn.failNextUpdate({ resource: 'Distribution', reason: REFUSED });
      await drive(() => edge.routeTo('housing', green));
      expect(cfn.stack(STACK)?.status).toBe('UPDATE_ROLLBACK_COMPLETE');
      cfnMock.resetHistory();

      const result = await edge.routeTo('housing', blue);

      expect(result).toEqual({
        status: 'done',
        message: `edge serves release blue1: distribution ${distributionId} is Deployed with origin ${BLUE}`,
      });
      // The update was tried (a rollback state is not trusted) and CloudFormation said no change.
      expect(cfnMock).toHaveReceivedCommandTimes(UpdateStackCommand, 1);
      expect(cfn.stack(STACK)?.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    });

    it("updates over a rollback of someone else's update", async () => {
      cfn.failNextUpdate({ resource: 'Distribution', reason: REFUSED });
      updateByHand('other3', 'other.example.com');
      cfn.settle();
      expect(cfn.stack(STACK)?.status).toBe('UPDATE_ROLLBACK_COMPLETE');

      const results = await drive(() => edge.routeTo('housing', green));

      expect(last(results).status).toBe('done');
      expect(cfnMock).toHaveReceivedCommandTimes(UpdateStackCommand, 1);
    });

    it('fails, asking for a person, when a rollback failed too (UPDATE_ROLLBACK_FAILED)', async () => {
      cfn.failNextUpdate({ resource: 'Distribution', reason: REFUSED, rollbackFails: true });

      const results = await drive(() => edge.routeTo('housing', green));

      const message = last(results).message;
      expect(last(results).status).toBe('failed');
      expect(message).toContain(`edge stack ${STACK} needs a person, it is UPDATE_ROLLBACK_FAILED`);
      expect(message).toContain('continue-update-rollback');
      expect(message).toContain(`last failure: Distribution UPDATE_FAILED: ${REFUSED}`);
      expect(cfnMock).toHaveReceivedCommandTimes(UpdateStackCommand, 1);
    });

    it('fails quoting CloudFormation when it rejects the parameters', async () => {
      const result = await edge.routeTo('housing', { release: 'Green_2', endpoint: `http://${GREEN}` });

      expect(result).toEqual({
        status: 'failed',
        message: `CloudFormation refused to update edge stack ${STACK}: ValidationError: Parameter 'OriginRelease' must match pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`,
      });
    });

    it('fails when the distribution was changed outside CloudFormation', async () => {
      cloudfront.setOrigin(distributionId, 'someone-else.example.com');

      const result = await edge.routeTo('housing', blue);

      expect(result.status).toBe('failed');
      expect(result.message).toContain(`distribution ${distributionId} sends users to someone-else.example.com`);
      expect(result.message).toContain('drift');
    });

    it('fails on a null origin: the aws edge always has one', async () => {
      const result = await edge.routeTo('housing', null);

      expect(result).toEqual({
        status: 'failed',
        message: `the aws edge always has an origin: edge stack ${STACK} keeps serving its current release`,
      });
      expect(cfnMock).not.toHaveReceivedAnyCommand();
    });

    it.each([
      ['a port', `http://${GREEN}:8080`, 'names port 8080'],
      ['a path', `http://${GREEN}/v1`, 'has a path or query'],
      ['no scheme', GREEN, 'is not a URL'],
      ['another scheme', `ftp://${GREEN}`, 'is not an http(s) URL'],
    ])('fails on an endpoint with %s without touching the stack', async (_what, endpoint, expected) => {
      const result = await edge.routeTo('housing', { release: 'green2', endpoint });

      expect(result.status).toBe('failed');
      expect(result.message).toContain(expected);
      expect(cfnMock).not.toHaveReceivedAnyCommand();
    });

    it('fails, and never creates the stack, when the stack does not exist', async () => {
      const other = new CloudFrontEdge({
        cloudformation: new CloudFormationClient({ region: 'eu-west-1' }),
        cloudfront: new CloudFrontClient({ region: 'eu-west-1' }),
        stacks: { housing: { stackName: 'cutover-edge-missing', publicUrl: 'https://x.cloudfront.net' } },
      });

      const result = await other.routeTo('housing', green);

      expect(result).toEqual({
        status: 'failed',
        message:
          'edge stack cutover-edge-missing does not exist; create it with the edge bootstrap (routing never creates it)',
      });
      expect(cfnMock).not.toHaveReceivedCommand(CreateStackCommand);
      expect(cfnMock).not.toHaveReceivedCommand(UpdateStackCommand);
    });
  });
});
