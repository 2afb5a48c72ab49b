import { Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Client } from '@libsql/client';
import { join, resolve } from 'node:path';
import { CONTROLLER_CONFIG, type ControllerConfig } from '../../config/controller.config';
import { PROJECT_ROOT } from '../../../predictor/src/project-paths';
import { structuredLogger } from '../../logging/structured-logger';
import { DATABASE } from '../../store/store.module';
import { ARTIFACT_POLICY } from '../artifact-policy';
import { COMPUTE_PORT, EDGE_PORT, WORKLOAD_PORT } from '../ports';
import { LocalCompute } from './compute/local-compute';
import { LocalEdge } from './edge-client/local-edge';
import { syncEdgeOrigin } from './edge-origin-sync';
import { LocalArtifactPolicy } from './local-artifact-policy';
import { LocalWorkload } from './workload/local-workload';
import { WorkloadSupervisor } from './workload/workload-supervisor';

const SUPERVISOR = Symbol('WorkloadSupervisor');
/** How often the edge is checked against where its release answers. */
const ORIGIN_SYNC_MS = 2_000;

/**
 * Starts the edge of every app, re-adopts predictor processes a previous controller left
 * running, and supervises them. Stopping the controller leaves them all serving.
 */
@Injectable()
export class LocalLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LocalProvider');
  constructor(
    @Inject(CONTROLLER_CONFIG) private readonly config: ControllerConfig,
    @Inject(EDGE_PORT) private readonly edge: LocalEdge,
    @Inject(SUPERVISOR) private readonly supervisor: WorkloadSupervisor,
    @Inject(WORKLOAD_PORT) private readonly workload: LocalWorkload,
  ) {}

  private syncTimer?: NodeJS.Timeout;
  private syncing = false;

  async onApplicationBootstrap(): Promise<void> {
    const report = await this.supervisor.adopt();
    this.logger.log({ msg: 'predictor processes adopted', ...report });
    this.supervisor.start();
    for (const app of this.config.apps) await this.edge.ensureStarted(app.name);
    this.syncTimer = setInterval(() => void this.syncEdges(), ORIGIN_SYNC_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.syncTimer);
    await this.supervisor.stop();
  }

  /**
   * The edge's supervisor as well: an edge that died (killed, OOM) is started again on its
   * persisted origin, so users are back within one interval without waiting for a deployment.
   */
  private async syncEdges(): Promise<void> {
    // A start can take seconds; passes must not pile up behind it.
    if (this.syncing) return;
    this.syncing = true;
    try {
      for (const app of this.config.apps) await this.syncEdge(app.name);
    } finally {
      this.syncing = false;
    }
  }

  private async syncEdge(app: string): Promise<void> {
    try {
      if (await this.edge.ensureStarted(app)) this.logger.warn({ app, msg: `edge for ${app} was down; restarted it` });
    } catch (err) {
      this.logger.error({ app, msg: `edge for ${app} is down and did not restart: ${(err as Error).message}` });
      return;
    }
    await syncEdgeOrigin(app, this.edge, this.workload, structuredLogger('EdgeOriginSync')).catch((err: unknown) =>
      this.logger.warn({ app, msg: `edge origin sync failed: ${(err as Error).message}` }),
    );
  }

  /** Everything this provider runs: predictors (kept wanted, so the next start restores them) and edges. */
  async stopEverything(): Promise<void> {
    clearInterval(this.syncTimer);
    const stopped = await this.workload.stopProcesses();
    for (const app of this.config.apps) await this.edge.stop(app.name);
    this.logger.log({ msg: `stopped ${stopped.length} release process(es) and the edge`, stopped });
  }
}

const dist = (...parts: string[]) => join(PROJECT_ROOT, 'dist', ...parts);

@Module({
  providers: [
    { provide: COMPUTE_PORT, useValue: new LocalCompute() },
    {
      provide: WORKLOAD_PORT,
      inject: [CONTROLLER_CONFIG, DATABASE],
      useFactory: (config: ControllerConfig, db: Client) =>
        new LocalWorkload({
          db,
          predictorMain: config.local.predictorMain ?? dist('predictor', 'src', 'main.js'),
          stateDir: config.stateDir,
          allowedArtifactDirs: [
            ...new Set(config.apps.flatMap((a) => a.local.artifactDirs.map((d) => resolve(config.workDir, d)))),
          ],
          logger: structuredLogger('LocalWorkload'),
        }),
    },
    {
      provide: SUPERVISOR,
      inject: [WORKLOAD_PORT],
      useFactory: (workload: LocalWorkload) => workload.supervisor,
    },
    {
      provide: EDGE_PORT,
      inject: [CONTROLLER_CONFIG],
      useFactory: (config: ControllerConfig) =>
        new LocalEdge({
          apps: config.apps,
          stateDir: config.stateDir,
          edgeMain: dist('src', 'providers', 'local', 'edge', 'edge-main.js'),
        }),
    },
    {
      provide: ARTIFACT_POLICY,
      inject: [CONTROLLER_CONFIG],
      useFactory: (config: ControllerConfig) => new LocalArtifactPolicy(config.workDir),
    },
    LocalLifecycle,
  ],
  exports: [COMPUTE_PORT, WORKLOAD_PORT, EDGE_PORT, ARTIFACT_POLICY, LocalLifecycle],
})
export class LocalProviderModule {}
