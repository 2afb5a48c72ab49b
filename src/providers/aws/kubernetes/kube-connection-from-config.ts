import type { EKSClient } from '@aws-sdk/client-eks';
import type { AwsConfig } from '../../../config/aws.config';
import { connectToEks } from './eks-connection';
import { inClusterConnection } from './in-cluster-connection';
import type { KubeConnection } from './kube-client';
import { kubeconfigConnection } from './kubeconfig-connection';

/** The Kubernetes API connection the config names; each mode is tested on its own. */
export function kubeConnectionFromConfig(aws: AwsConfig, eks: EKSClient): Promise<KubeConnection> {
  const kube = aws.kube;
  switch (kube.mode) {
    case 'eks':
      return connectToEks({ eks, clusterName: aws.clusterName, region: aws.region });
    case 'in-cluster':
      return inClusterConnection({ serviceHost: kube.serviceHost, servicePort: kube.servicePort });
    case 'kubeconfig':
      return kubeconfigConnection({ path: kube.path, context: kube.context });
  }
}
