import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { EKSClient } from '@aws-sdk/client-eks';

export interface AwsClientOptions {
  region: string;
  /** SDK-level retries of throttled or 5xx calls; the reconciler retries everything else. */
  maxAttempts?: number;
}

export interface AwsClients {
  eks: EKSClient;
  cloudformation: CloudFormationClient;
  cloudfront: CloudFrontClient;
}

/**
 * The SDK clients the aws provider needs. No credentials are passed on purpose: the SDK's
 * default chain finds them (IRSA's web identity token on EKS, a profile or env vars on a
 * laptop), so no secret ever passes through cutover's config or logs.
 */
export function createAwsClients(options: AwsClientOptions): AwsClients {
  const shared = { region: options.region, maxAttempts: options.maxAttempts ?? 3 };
  return {
    eks: new EKSClient(shared),
    cloudformation: new CloudFormationClient(shared),
    // CloudFront is a global service; the SDK signs for us-east-1 whatever region is given.
    cloudfront: new CloudFrontClient(shared),
  };
}
