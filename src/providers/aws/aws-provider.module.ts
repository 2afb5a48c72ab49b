import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type { AwsConfig } from '../../config/aws.config';
import { CONTROLLER_CONFIG, type ControllerConfig } from '../../config/controller.config';
import { ARTIFACT_POLICY } from '../artifact-policy';
import { COMPUTE_PORT, EDGE_PORT, WORKLOAD_PORT } from '../ports';
import { AwsArtifactPolicy } from './aws-artifact-policy';
import { createAwsClients, type AwsClients } from './aws-clients';
import { CloudFrontEdge } from './cloudfront-edge';
import { resolveEdgeStacks } from './edge-stacks';
import { FargateCompute } from './fargate-compute';
import { kubeConnectionFromConfig } from './kubernetes/kube-connection-from-config';
import { KubeClient } from './kubernetes/kube-client';
import { KubeWorkload } from './kubernetes/kube-workload';

const AWS_CLIENTS = Symbol('AwsClients');
const KUBE_CLIENT = Symbol('KubeClient');

function awsConfig(config: ControllerConfig): AwsConfig {
  if (!config.aws) throw new Error('the aws provider was chosen without aws settings');
  return config.aws;
}

/** CUTOVER_AWS_POLL_SECONDS, when set, replaces every one of an adapter's waits. */
function polling<K extends string>(aws: AwsConfig, keys: K[]): Partial<Record<K, number>> | undefined {
  const seconds = aws.pollSeconds;
  return seconds === undefined ? undefined : (Object.fromEntries(keys.map((k) => [k, seconds])) as Record<K, number>);
}

/** Closes what the aws provider holds open: the Kubernetes API's connection pool and the SDK clients. */
@Injectable()
export class AwsLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(AWS_CLIENTS) private readonly clients: AwsClients,
    @Inject(KUBE_CLIENT) private readonly kube: KubeClient,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.kube.close();
    for (const client of Object.values(this.clients)) client.destroy();
  }
}

/**
 * The aws provider: Fargate profiles (EKS), release manifests (Kubernetes API) and the edge
 * (CloudFormation + CloudFront), bound to the same ports the local provider binds. Boot fails,
 * with the reason, when the cluster or an app's edge stack cannot be reached.
 */
@Module({
  providers: [
    {
      provide: AWS_CLIENTS,
      inject: [CONTROLLER_CONFIG],
      useFactory: (config: ControllerConfig) => createAwsClients({ region: awsConfig(config).region }),
    },
    {
      provide: KUBE_CLIENT,
      inject: [CONTROLLER_CONFIG, AWS_CLIENTS],
      useFactory: async (config: ControllerConfig, clients: AwsClients) =>
        new KubeClient(await kubeConnectionFromConfig(awsConfig(config), clients.eks)),
    },
    {
      provide: COMPUTE_PORT,
      inject: [CONTROLLER_CONFIG, AWS_CLIENTS],
      useFactory: (config: ControllerConfig, clients: AwsClients) => {
        const aws = awsConfig(config);
        return new FargateCompute({
          eks: clients.eks,
          clusterName: aws.clusterName,
          podExecutionRoleArn: aws.podExecutionRoleArn,
          subnets: aws.subnets,
          retryAfterSeconds: polling(aws, ['creating', 'deleting', 'clusterBusy']),
        });
      },
    },
    {
      provide: WORKLOAD_PORT,
      inject: [CONTROLLER_CONFIG, KUBE_CLIENT],
      useFactory: (config: ControllerConfig, kube: KubeClient) =>
        new KubeWorkload({
          kube,
          apps: Object.fromEntries(
            config.apps.map((app) => [app.name, { replicas: app.replicas, modelPath: app.aws.modelPath }]),
          ),
          retryAfterSeconds: polling(awsConfig(config), [
            'namespaceTerminating',
            'rollout',
            'loadBalancer',
            'deleting',
          ]),
        }),
    },
    {
      provide: EDGE_PORT,
      inject: [CONTROLLER_CONFIG, AWS_CLIENTS],
      useFactory: async (config: ControllerConfig, clients: AwsClients) =>
        new CloudFrontEdge({
          cloudformation: clients.cloudformation,
          cloudfront: clients.cloudfront,
          stacks: await resolveEdgeStacks(config.apps, clients.cloudformation),
          retryAfterSeconds: polling(awsConfig(config), ['stack', 'distribution']),
        }),
    },
    { provide: ARTIFACT_POLICY, useValue: new AwsArtifactPolicy() },
    AwsLifecycle,
  ],
  exports: [COMPUTE_PORT, WORKLOAD_PORT, EDGE_PORT, ARTIFACT_POLICY],
})
export class AwsProviderModule {}
