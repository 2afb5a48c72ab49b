import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/** What SignatureV4 accepts: fixed credentials or a provider such as fromNodeProviderChain(). */
export type AwsCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** EKS checks that the presigned request names the cluster, so a token for one cluster fails on another. */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** aws-iam-authenticator's value; EKS itself accepts the token for 15 minutes from signing. */
export const PRESIGN_EXPIRES_SECONDS = 60;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;

export interface EksTokenRequest {
  clusterName: string;
  region: string;
  credentials: AwsCredentials;
  signingDate: Date;
}

/**
 * An EKS bearer token: a presigned STS GetCallerIdentity URL, base64url-encoded without
 * padding behind "k8s-aws-v1.". EKS replays the URL to STS to learn who is calling; the
 * secret key never leaves this process, only a signature over this one request.
 */
export async function mintEksToken(request: EksTokenRequest): Promise<string> {
  const { clusterName, region } = request;
  // Both end up in the URL (host, signed header): refuse anything that is not plainly a name.
  if (!REGION.test(region)) throw new Error(`"${region}" is not an AWS region name`);
  if (!CLUSTER_NAME.test(clusterName)) throw new Error(`"${clusterName}" is not an EKS cluster name`);

  const hostname = stsHostname(region);
  const signer = new SignatureV4({ credentials: request.credentials, region, service: 'sts', sha256: Sha256 });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, [CLUSTER_ID_HEADER]: clusterName },
    },
    { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate: request.signingDate },
  );
  const url = `https://${hostname}/?${serializeQuery(presigned.query ?? {})}`;
  return EKS_TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url');
}

/** The regional STS endpoint (the token is only valid against the cluster's region). */
export function stsHostname(region: string): string {
  return `sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

function serializeQuery(query: Record<string, string | Array<string | null> | null>): string {
  return Object.keys(query)
    .sort()
    .flatMap((key) => {
      const value = query[key];
      const values = Array.isArray(value) ? value : [value];
      return values.map((v) => `${rfc3986(key)}=${rfc3986(v ?? '')}`);
    })
    .join('&');
}

/** SigV4's encoding: encodeURIComponent leaves !'()* alone, SigV4 does not. */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
