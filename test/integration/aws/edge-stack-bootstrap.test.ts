import 'aws-sdk-client-mock-jest';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { CloudFrontEdge } from '../../../src/providers/aws/cloudfront-edge';
import {
  createEdgeStackIfMissing,
  findEdgeTemplate,
  readEdgeTemplate,
} from '../../../src/providers/aws/edge-stack-bootstrap';
import { FakeCloudFormation } from './fakes/fake-cloudformation';
import { FakeCloudFront } from './fakes/fake-cloudfront';
import { drive, last } from './support/drive';

const STACK = 'cutover-edge-housing';
const BLUE = 'k8s-housingb-predicto-1111111111-1111111111.eu-west-1.elb.amazonaws.com';
const SERVICE_ROLE = 'arn:aws:iam::111122223333:role/cutover-edge-stack-service-role';

describe('edge stack bootstrap against fake CloudFormation', () => {
  let cloudfront: FakeCloudFront;
  let cfn: FakeCloudFormation;
  let cfnMock: ReturnType<FakeCloudFormation['install']>;
  let cfMock: ReturnType<FakeCloudFront['install']>;
  const cloudformation = new CloudFormationClient({ region: 'eu-west-1' });
  const templateBody = readEdgeTemplate();

  function bootstrap(endpoint = `http://${BLUE}`) {
    return createEdgeStackIfMissing({
      cloudformation,
      stackName: STACK,
      appName: 'housing',
      origin: { release: 'blue1', endpoint },
      templateBody,
      roleArn: SERVICE_ROLE,
      tags: { team: 'ml' },
    });
  }

  beforeEach(() => {
    cloudfront = new FakeCloudFront();
    cfn = new FakeCloudFormation({ resources: cloudfront.edgeStackResources() });
    cfnMock = cfn.install();
    cfMock = cloudfront.install();
  });

  afterEach(() => {
    cfnMock.restore();
    cfMock.restore();
  });

  it('finds cloudformation/edge.yaml from the source tree', () => {
    expect(findEdgeTemplate()).toBe(join(__dirname, '../../../cloudformation/edge.yaml'));
  });

  it('creates the stack from edge.yaml with termination protection and the service role', async () => {
    const result = await bootstrap();

    expect(result).toMatchObject({ status: 'created', stackId: expect.stringContaining(`stack/${STACK}/`) });
    expect(cfnMock).toHaveReceivedCommandWith(CreateStackCommand, {
      StackName: STACK,
      TemplateBody: templateBody,
      Parameters: [
        { ParameterKey: 'AppName', ParameterValue: 'housing' },
        { ParameterKey: 'OriginDomainName', ParameterValue: BLUE },
        { ParameterKey: 'OriginRelease', ParameterValue: 'blue1' },
        { ParameterKey: 'OriginProtocol', ParameterValue: 'http-only' },
      ],
      RoleARN: SERVICE_ROLE,
      Tags: [
        { Key: 'team', Value: 'ml' },
        { Key: 'app', Value: 'housing' },
        { Key: 'managed-by', Value: 'cutover' },
      ],
      EnableTerminationProtection: true,
      OnFailure: 'ROLLBACK',
    });
    expect(cfn.stack(STACK)).toMatchObject({ status: 'CREATE_IN_PROGRESS', terminationProtection: true });
  });

  it('leaves an existing stack alone', async () => {
    await bootstrap();
    cfnMock.resetHistory();

    const again = await bootstrap();

    expect(again).toEqual({
      status: 'exists',
      stackStatus: 'CREATE_IN_PROGRESS',
      message: `edge stack ${STACK} already exists (CREATE_IN_PROGRESS); left as it is`,
    });
    expect(cfnMock).not.toHaveReceivedCommand(CreateStackCommand);
  });

  it('refuses an origin that is not a plain http(s) host URL, calling nothing', async () => {
    const result = await bootstrap(`http://${BLUE}:8080`);

    expect(result).toMatchObject({ status: 'failed', message: expect.stringContaining('names port 8080') });
    expect(cfnMock).not.toHaveReceivedAnyCommand();
  });

  it('gives the edge adapter a stack it can route: waits for creation, then serves blue with no update', async () => {
    await bootstrap();
    const edge = new CloudFrontEdge({
      cloudformation,
      cloudfront: new CloudFrontClient({ region: 'eu-west-1' }),
      stacks: { housing: { stackName: STACK, publicUrl: 'https://unused.cloudfront.net' } },
    });

    const results = await drive(() => edge.routeTo('housing', { release: 'blue1', endpoint: `http://${BLUE}` }));

    expect(results[0].message).toBe(`edge stack ${STACK}: it is CREATE_IN_PROGRESS`);
    expect(last(results)).toMatchObject({
      status: 'done',
      message: expect.stringContaining('edge serves release blue1'),
    });
    expect(cfnMock).not.toHaveReceivedCommand(UpdateStackCommand);
    expect(await edge.currentOrigin('housing')).toEqual({ release: 'blue1', endpoint: `http://${BLUE}` });
  });
});
