import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { yamlParse } from 'yaml-cfn';
import { checkTemplate, type SpecDatabase } from './support/template-check';

/* eslint-disable @typescript-eslint/no-explicit-any -- templates are untyped YAML */
const load = (name: string): any => yamlParse(readFileSync(join(__dirname, '../../../cloudformation', name), 'utf8'));

describe('cloudformation templates, checked offline against the AWS service spec', () => {
  let db: SpecDatabase;
  const edge = load('edge.yaml');
  const iam = load('controller-iam.yaml');

  beforeAll(async () => {
    const started = Date.now();
    db = await loadAwsServiceSpec(); // ~1 s and ~150 MB: loaded once for the file
    console.log(`@aws-cdk/aws-service-spec loaded in ${Date.now() - started} ms`);
  }, 60_000);

  it.each([
    ['edge.yaml', edge],
    ['controller-iam.yaml', iam],
  ])('%s: every resource type and property exists, required ones are set, references resolve', (_name, template) => {
    expect(checkTemplate(db, template)).toEqual([]);
  });

  it('the check itself catches unknown types, unknown and missing properties, and dangling references', () => {
    const broken = {
      Resources: {
        Typo: { Type: 'AWS::CloudFront::Distributon', Properties: {} },
        Distribution: {
          Type: 'AWS::CloudFront::Distribution',
          Properties: {
            DistributionConfig: {
              Enabled: true,
              DefaultCacheBehavior: { TargetOriginId: 'a', ViewerProtocolPolicy: 'allow-all', AllowedMethod: ['GET'] },
              Origins: [{ Id: 'a', DomainName: { Ref: 'Nowhere' } }, { Id: 'b' }],
            },
            Tag: [],
          },
        },
      },
      Outputs: { Url: { Value: { 'Fn::Sub': 'https://${Distribution.DomainNam}' } } },
    };

    expect(checkTemplate(db, broken).sort()).toEqual(
      [
        'Typo: unknown resource type AWS::CloudFront::Distributon',
        'Distribution.Properties.Tag: no such property',
        'Distribution.Properties.DistributionConfig.DefaultCacheBehavior.AllowedMethod: no such property',
        'Distribution.Properties.DistributionConfig.Origins[1].DomainName: required property is missing',
        'Resources.Distribution.Properties.DistributionConfig.Origins[0].DomainName: Ref to unknown Nowhere',
        'Outputs.Url.Value: Sub variable ${Distribution.DomainNam} does not resolve',
      ].sort(),
    );
  });

  describe('edge.yaml', () => {
    const config = edge.Resources.Distribution.Properties.DistributionConfig;
    const behavior = config.DefaultCacheBehavior;

    it('disables caching with the AWS managed CachingDisabled policy and forwards what the API needs', () => {
      expect(behavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
      expect(behavior.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
      expect(behavior).not.toHaveProperty('ForwardedValues'); // legacy settings conflict with policies
    });

    it('allows every HTTP method and redirects viewers to https', () => {
      expect([...behavior.AllowedMethods].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
      expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    });

    it('reaches the ALB over http by default, https-only allowed', () => {
      expect(edge.Parameters.OriginProtocol).toMatchObject({
        Default: 'http-only',
        AllowedValues: ['http-only', 'https-only'],
      });
      const [origin] = config.Origins;
      expect(behavior.TargetOriginId).toBe(origin.Id);
      expect(origin.DomainName).toEqual({ Ref: 'OriginDomainName' });
      expect(origin.CustomOriginConfig.OriginProtocolPolicy).toEqual({ Ref: 'OriginProtocol' });
    });

    it('has the parameters the adapter and the bootstrap use, with patterns that fit real values', () => {
      expect(Object.keys(edge.Parameters)).toEqual(
        expect.arrayContaining(['AppName', 'OriginDomainName', 'OriginRelease', 'OriginProtocol']),
      );
      const matches = (parameter: string, value: string) =>
        new RegExp(edge.Parameters[parameter].AllowedPattern).test(value);
      expect(
        matches('OriginDomainName', 'k8s-housinga-predicto-0123456789-1234567890.eu-west-1.elb.amazonaws.com'),
      ).toBe(true);
      expect(matches('OriginDomainName', 'http://k8s-x.elb.amazonaws.com')).toBe(false);
      expect(matches('OriginRelease', 'a1b2c3d')).toBe(true);
      expect(matches('AppName', 'housing')).toBe(true);
    });

    it('outputs DistributionId and DomainName without global export names', () => {
      expect(edge.Outputs.DistributionId.Value).toEqual({ Ref: 'Distribution' });
      expect(edge.Outputs.DomainName.Value).toEqual({ 'Fn::GetAtt': ['Distribution', 'DomainName'] });
      expectNoGlobalExports(edge);
    });
  });

  describe('controller-iam.yaml', () => {
    const statements: any[] = iam.Resources.ControllerPolicy.Properties.PolicyDocument.Statement;
    const statement = (sid: string) => statements.find((s) => s.Sid === sid);
    const actions = statements.flatMap((s) => [s.Action].flat());

    it('grants exactly the calls the controller makes, and no wildcard', () => {
      expect(actions.sort()).toEqual(
        [
          'cloudformation:DescribeStackEvents',
          'cloudformation:DescribeStacks',
          'cloudformation:GetTemplate',
          'cloudformation:UpdateStack',
          'cloudfront:GetDistribution',
          'eks:CreateFargateProfile',
          'eks:DeleteFargateProfile',
          'eks:DescribeCluster',
          'eks:DescribeFargateProfile',
          'eks:TagResource',
          'iam:PassRole',
        ].sort(),
      );
      for (const s of statements) {
        expect(s.Effect).toBe('Allow');
        expect([s.Resource].flat()).not.toContain('*');
      }
    });

    it('scopes each grant to its resources', () => {
      expect(statement('PassThePodExecutionRole').Resource).toEqual({ Ref: 'PodExecutionRoleArn' });
      expect(statement('OperateEdgeStacks').Resource['Fn::Sub']).toContain(':stack/${EdgeStackPrefix}*/*');
      expect(statement('ReadEdgeDistributions').Resource).toEqual({ Ref: 'EdgeDistributionArns' });
      expect(statement('ReadFargateProfiles').Resource['Fn::Sub']).toContain(':fargateprofile/${ClusterName}/*');
      expect(statement('DeleteOwnFargateProfiles').Condition).toEqual({
        StringEquals: { 'aws:ResourceTag/managed-by': 'cutover' },
      });
      expect(statement('CreateTaggedFargateProfiles').Condition).toEqual({
        StringEquals: { 'aws:RequestTag/managed-by': 'cutover' },
      });
    });

    it('lets only the controller service account assume the role, through the cluster OIDC provider', () => {
      const substituted = String(iam.Resources.ControllerRole.Properties.AssumeRolePolicyDocument['Fn::Sub']).replace(
        /\$\{([^}]+)\}/g,
        (_m, name: string) =>
          ({
            'AWS::Partition': 'aws',
            'AWS::AccountId': '111122223333',
            OidcProviderUrl: 'oidc.eks.eu-west-1.amazonaws.com/id/ABC',
            ServiceAccountNamespace: 'cutover-system',
            ServiceAccountName: 'cutover-controller',
          })[name] ?? `UNRESOLVED(${name})`,
      );
      const trust = JSON.parse(substituted);

      expect(trust.Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub': 'system:serviceaccount:cutover-system:cutover-controller',
              'oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud': 'sts.amazonaws.com',
            },
          },
        },
      ]);
    });

    it('gives edge stacks a CloudFormation service role limited to CloudFront distributions', () => {
      const role = iam.Resources.EdgeStackServiceRole.Properties;
      expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'cloudformation.amazonaws.com' });
      const granted = role.Policies.flatMap((p: any) => p.PolicyDocument.Statement.flatMap((s: any) => s.Action));
      expect(granted.every((a: string) => a.startsWith('cloudfront:'))).toBe(true);
    });

    it('outputs the role ARNs without global export names', () => {
      expect(Object.keys(iam.Outputs)).toEqual(['ControllerRoleArn', 'EdgeStackServiceRoleArn']);
      expectNoGlobalExports(iam);
    });
  });
});

/** An Export name is global per account and region: only ${AWS::StackName}-prefixed ones are safe. */
function expectNoGlobalExports(template: any): void {
  for (const output of Object.values<any>(template.Outputs)) {
    if (!output.Export) continue;
    expect(JSON.stringify(output.Export.Name)).toMatch(/^"?\{"Fn::Sub":"\$\{AWS::StackName\}/);
  }
}
