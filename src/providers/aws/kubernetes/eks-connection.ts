import { DescribeClusterCommand, type EKSClient } from '@aws-sdk/client-eks';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { mintEksToken, type AwsCredentials } from './eks-token';
import type { KubeConnection } from './kube-client';
import { refreshingToken } from './refreshing-token';

export interface EksConnectionOptions {
  eks: EKSClient;
  clusterName: string;
  /** The cluster's region: tokens are signed for its regional STS endpoint. */
  region: string;
  /** Default: the SDK's default chain (IRSA on EKS, a profile or env vars elsewhere). */
  credentials?: AwsCredentials;
  /** Tokens live 15 minutes; a fresh one is minted after this. Default 600 s. */
  refreshAfterSeconds?: number;
  now?: () => Date;
}

/**
 * The API server of an EKS cluster, found with DescribeCluster, and a token source minting
 * EKS bearer tokens from the AWS credentials. Nothing secret is logged or put in an error:
 * only the cluster name, its endpoint and its status appear in messages.
 */
export async function connectToEks(options: EksConnectionOptions): Promise<KubeConnection> {
  const { clusterName, region } = options;
  const out = await options.eks.send(new DescribeClusterCommand({ name: clusterName }));
  const cluster = out.cluster;
  const endpoint = cluster?.endpoint;
  const caData = cluster?.certificateAuthority?.data;
  if (!endpoint || !caData) {
    throw new Error(
      `EKS cluster ${clusterName} has no API endpoint or CA yet (status ${cluster?.status ?? 'unknown'}); is it still being created?`,
    );
  }
  // EKS hands out the base64 of the PEM bundle.
  const ca = Buffer.from(caData, 'base64').toString('utf8');
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`EKS cluster ${clusterName}'s certificateAuthority.data is not a base64 PEM certificate`);
  }
  const now = options.now ?? (() => new Date());
  const credentials = options.credentials ?? fromNodeProviderChain();
  const token = refreshingToken(() => mintEksToken({ clusterName, region, credentials, signingDate: now() }), {
    refreshAfterMs: (options.refreshAfterSeconds ?? 600) * 1000,
    now: () => now().getTime(),
  });
  return { server: endpoint, ca, token };
}
