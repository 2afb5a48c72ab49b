import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * The aws provider's settings, read from the environment only when CUTOVER_PROVIDER=aws.
 * Credentials are deliberately absent: the AWS SDK's default chain finds them (IRSA on EKS,
 * a profile or the standard env vars elsewhere), so no secret passes through cutover's config.
 */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** EKS cluster names: letters, digits, hyphens and underscores, starting alphanumeric. */
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;

/** A variable the aws provider cannot do without: "required on aws" says more than "expected string". */
const required = () => z.string({ error: (issue) => (issue.input === undefined ? 'required on aws' : undefined) });

const awsEnvSchema = z.object({
  CUTOVER_AWS_REGION: z.string().regex(REGION, 'must be an AWS region such as eu-west-1').optional(),
  /** The SDK's own variable, used when CUTOVER_AWS_REGION is not set. */
  AWS_REGION: z.string().regex(REGION, 'must be an AWS region such as eu-west-1').optional(),
  CUTOVER_EKS_CLUSTER: required().regex(CLUSTER_NAME, 'must be an EKS cluster name'),
  CUTOVER_FARGATE_POD_EXECUTION_ROLE_ARN: required().regex(ROLE_ARN, 'must be an IAM role ARN'),
  /** Comma-separated private subnet ids: Fargate pods get no public IP. */
  CUTOVER_FARGATE_SUBNETS: required()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(SUBNET_ID, 'must be subnet ids (subnet-0123abcd…)')).min(1).max(16)),
  /** How the controller reaches the Kubernetes API: via EKS (default), from inside a pod, or a kubeconfig file. */
  CUTOVER_KUBE_CONNECTION: z.enum(['eks', 'in-cluster', 'kubeconfig']).default('eks'),
  CUTOVER_KUBECONFIG: z.string().min(1).optional(),
  CUTOVER_KUBE_CONTEXT: z.string().min(1).optional(),
  /** Set by the kubelet in every pod; read for the in-cluster connection. */
  KUBERNETES_SERVICE_HOST: z.string().min(1).optional(),
  KUBERNETES_SERVICE_PORT: z.string().min(1).optional(),
  /**
   * Overrides every "look again in N seconds" of the aws adapters (defaults 10–20 s, sized for
   * how long EKS, ALBs and CloudFront take). Smaller means more API calls, not faster AWS.
   */
  CUTOVER_AWS_POLL_SECONDS: z.coerce.number().min(0.05).max(300).optional(),
});

/**
 * What an app on aws waits for unless its config says otherwise. The local defaults (120 s, 30 s)
 * are far too short here: a Fargate profile takes 2–5 minutes to become ACTIVE, an ALB 2–3 to
 * get its DNS name, and CloudFront 5–15 to deploy a changed origin to every edge location.
 */
export const AWS_APP_DEFAULTS = { progressDeadlineSeconds: 1_200, propagationDeadlineSeconds: 1_200 } as const;

export type KubeConnectionSettings =
  | { mode: 'eks' }
  | { mode: 'in-cluster'; serviceHost: string; servicePort: string }
  | { mode: 'kubeconfig'; path: string; context?: string };

export interface AwsConfig {
  region: string;
  clusterName: string;
  podExecutionRoleArn: string;
  subnets: string[];
  kube: KubeConnectionSettings;
  pollSeconds?: number;
}

/** The problems, one per line, or the settings. Called by loadControllerConfig on aws only. */
export function readAwsConfig(env: NodeJS.ProcessEnv, cwd: string): { config: AwsConfig } | { problems: string[] } {
  const parsed = awsEnvSchema.safeParse(env);
  if (!parsed.success) {
    return { problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`) };
  }
  const e = parsed.data;
  const problems: string[] = [];
  const region = e.CUTOVER_AWS_REGION ?? e.AWS_REGION;
  if (!region) problems.push('CUTOVER_AWS_REGION (or AWS_REGION): required on aws');
  const kube = kubeSettings(e, cwd, problems);
  if (problems.length > 0 || !region || !kube) return { problems };
  return {
    config: {
      region,
      clusterName: e.CUTOVER_EKS_CLUSTER,
      podExecutionRoleArn: e.CUTOVER_FARGATE_POD_EXECUTION_ROLE_ARN,
      subnets: e.CUTOVER_FARGATE_SUBNETS,
      kube,
      pollSeconds: e.CUTOVER_AWS_POLL_SECONDS,
    },
  };
}

function kubeSettings(
  e: z.infer<typeof awsEnvSchema>,
  cwd: string,
  problems: string[],
): KubeConnectionSettings | undefined {
  switch (e.CUTOVER_KUBE_CONNECTION) {
    case 'eks':
      return { mode: 'eks' };
    case 'in-cluster':
      if (!e.KUBERNETES_SERVICE_HOST || !e.KUBERNETES_SERVICE_PORT) {
        problems.push('CUTOVER_KUBE_CONNECTION=in-cluster: KUBERNETES_SERVICE_HOST/PORT are not set; is this a pod?');
        return undefined;
      }
      return { mode: 'in-cluster', serviceHost: e.KUBERNETES_SERVICE_HOST, servicePort: e.KUBERNETES_SERVICE_PORT };
    case 'kubeconfig':
      if (!e.CUTOVER_KUBECONFIG) {
        problems.push('CUTOVER_KUBECONFIG: required when CUTOVER_KUBE_CONNECTION=kubeconfig');
        return undefined;
      }
      return { mode: 'kubeconfig', path: resolve(cwd, e.CUTOVER_KUBECONFIG), context: e.CUTOVER_KUBE_CONTEXT };
  }
}
