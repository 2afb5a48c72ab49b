import {
  CloudFrontClient,
  GetDistributionCommand,
  NoSuchDistribution,
  type DistributionConfig,
  type GetDistributionRequest,
} from '@aws-sdk/client-cloudfront';
import { mockClient } from 'aws-sdk-client-mock';
import type { StackResources } from './fake-cloudformation';

interface FakeDistribution {
  id: string;
  domainName: string;
  origin: string;
  status: 'InProgress' | 'Deployed';
  ticksLeft: number;
}

const metadata = { $metadata: {} };

/**
 * An in-memory CloudFront holding distributions with one origin each. A changed distribution
 * is InProgress until it has spread to the edge locations: here, after `ticksToDeploy`
 * GetDistribution calls.
 */
export class FakeCloudFront {
  private readonly distributions = new Map<string, FakeDistribution>();
  private serial = 0;

  constructor(private readonly options: { ticksToDeploy?: number } = {}) {}

  install() {
    const mock = mockClient(CloudFrontClient);
    mock.on(GetDistributionCommand).callsFake((input) => this.getDistribution(input));
    return mock;
  }

  getDistribution(input: GetDistributionRequest) {
    const d = this.distributions.get(input.Id ?? '');
    if (!d) throw new NoSuchDistribution({ ...metadata, message: 'The specified distribution does not exist.' });
    if (d.status === 'InProgress' && d.ticksLeft-- <= 0) d.status = 'Deployed';
    const config = {
      CallerReference: `cutover-${d.id}`,
      Comment: 'cutover edge',
      Enabled: true,
      Origins: {
        Quantity: 1,
        Items: [{ Id: 'active-release', DomainName: d.origin, CustomOriginConfig: undefined }],
      },
    } as unknown as DistributionConfig;
    return {
      ...metadata,
      ETag: `E${d.ticksLeft}${d.origin.length}`,
      Distribution: {
        Id: d.id,
        ARN: `arn:aws:cloudfront::111122223333:distribution/${d.id}`,
        Status: d.status,
        LastModifiedTime: new Date(),
        InProgressInvalidationBatches: 0,
        DomainName: d.domainName,
        DistributionConfig: config,
      },
    };
  }

  createDistribution(origin: string): { id: string; domainName: string } {
    const id = `E${String(++this.serial).padStart(13, '0')}`;
    const domainName = `d${this.serial}abcdef.cloudfront.net`;
    this.distributions.set(id, { id, domainName, origin, status: 'InProgress', ticksLeft: this.ticks() });
    return { id, domainName };
  }

  /** What UpdateDistribution does: the new origin, deployed to the edge over time. */
  setOrigin(id: string, origin: string): void {
    const d = this.distributions.get(id);
    if (!d) throw new Error(`no distribution ${id}`);
    Object.assign(d, { origin, status: 'InProgress', ticksLeft: this.ticks() });
  }

  /** Marks every distribution Deployed, as if the edge had caught up. */
  deployAll(): void {
    for (const d of this.distributions.values()) d.status = 'Deployed';
  }

  originOf(id: string): string | undefined {
    return this.distributions.get(id)?.origin;
  }

  /** The one resource in edge.yaml, as CloudFormation applies it to this CloudFront. */
  edgeStackResources(): StackResources {
    return {
      create: (params) => {
        const { id, domainName } = this.createDistribution(params.OriginDomainName);
        return { DistributionId: id, DomainName: domainName, PublicUrl: `https://${domainName}` };
      },
      update: (params, outputs) => this.setOrigin(outputs.DistributionId, params.OriginDomainName),
    };
  }

  private ticks(): number {
    return this.options.ticksToDeploy ?? 2;
  }
}
