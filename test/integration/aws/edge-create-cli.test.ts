import 'aws-sdk-client-mock-jest';
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { runCli } from '../../../src/cli/cli';
import { FakeCloudFormation } from './fakes/fake-cloudformation';
import { FakeCloudFront } from './fakes/fake-cloudfront';

const ORIGIN = 'k8s-housingv1-predicto-0123456789.eu-west-1.elb.amazonaws.com';

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {
      url: undefined,
      token: undefined,
      tokensFile: '/nonexistent/tokens.json',
      plainProgress: true,
      noColor: true,
    },
  });
  return { code, stdout, stderr };
}

describe('cutover edge-create (creating an app’s edge stack, the one explicit step before a first aws deployment)', () => {
  let cfn: FakeCloudFormation;
  let mock: ReturnType<FakeCloudFormation['install']>;

  beforeEach(() => {
    cfn = new FakeCloudFormation({ resources: new FakeCloudFront().edgeStackResources() });
    mock = cfn.install();
  });
  afterEach(() => mock.restore());

  it('creates the stack from edge.yaml with the first origin, termination protection on; a second run changes nothing', async () => {
    const args = ['edge-create', '--app', 'housing', '--origin', ORIGIN, '--release', 'v1', '--region', 'eu-west-1'];
    const first = await cli(args);
    expect(first).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('creating edge stack cutover-edge-housing'),
    });
    expect(mock).toHaveReceivedCommandWith(CreateStackCommand, {
      StackName: 'cutover-edge-housing',
      EnableTerminationProtection: true,
      Parameters: expect.arrayContaining([
        { ParameterKey: 'OriginDomainName', ParameterValue: ORIGIN },
        { ParameterKey: 'OriginRelease', ParameterValue: 'v1' },
      ]),
    });
    cfn.settle();
    expect(cfn.stack('cutover-edge-housing')?.status).toBe('CREATE_COMPLETE');

    const again = await cli(args);
    expect(again).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('already exists (CREATE_COMPLETE); left as it is'),
    });
    expect(mock).toHaveReceivedCommandTimes(CreateStackCommand, 1);
  });

  it.each([
    [['--origin', 'https://' + ORIGIN + '/path'], '--origin must be a host name, without scheme, port or path'],
    [['--release', 'V1!'], 'invalid release'],
    [['--origin-protocol', 'tcp'], '--origin-protocol must be http-only or https-only'],
  ])('refuses %j before calling AWS (exit 2)', async (override, message) => {
    const base: Record<string, string> = { '--app': 'housing', '--origin': ORIGIN, '--release': 'v1' };
    for (let i = 0; i < override.length; i += 2) base[override[i]] = override[i + 1];
    const run = await cli(['edge-create', ...Object.entries(base).flat(), '--region', 'eu-west-1']);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain(message);
    expect(mock).not.toHaveReceivedCommand(CreateStackCommand);
  });
});
