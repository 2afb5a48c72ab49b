import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DEFAULT_APP } from '../config/app-spec';
import { CONTROLLER_CONFIG, type ControllerConfig } from '../config/controller.config';
import { DEPLOYMENT_STORE, type DeploymentStore } from '../store/deployment-store';
import { DeploymentsService } from './deployments.service';

/**
 * First start on a fresh machine: if the default app has nothing active and nothing in flight,
 * deploy the bootstrap release (housing v1) so the edge answers at once.
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    @Inject(CONTROLLER_CONFIG) private readonly config: ControllerConfig,
    @Inject(DEPLOYMENT_STORE) private readonly store: DeploymentStore,
    private readonly deployments: DeploymentsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const bootstrap = this.config.bootstrap;
    if (!bootstrap || !this.config.apps.some((a) => a.name === DEFAULT_APP)) return;
    const [state, inFlight] = await Promise.all([
      this.store.getAppState(DEFAULT_APP),
      this.store.findInFlight(DEFAULT_APP),
    ]);
    if (state.active || inFlight) return;
    const { deployment } = await this.deployments.create(
      DEFAULT_APP,
      { release: bootstrap.release, artifact: bootstrap.artifact, autoPromote: true, trigger: 'operator' },
      'bootstrap',
    );
    this.logger.log({
      deploymentId: deployment.id,
      msg: `nothing active for ${DEFAULT_APP}: deploying ${bootstrap.release} (${bootstrap.artifact})`,
    });
  }
}
