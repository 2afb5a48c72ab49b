import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { PREDICTOR_CONFIG, type PredictorConfig } from '../config/predictor.config';
import { ApiError } from '../errors/api-error';
import { PredictorMetrics } from '../metrics/predictor-metrics.service';
import { loadModelArtifact, type LoadedModel } from './model-loader';

/**
 * Owns the one model this process serves. A model that fails to load leaves the process
 * alive but never ready, so an orchestrator sees the reason instead of a crash loop.
 */
@Injectable()
export class ModelStateService implements OnModuleInit {
  private readonly logger = new Logger(ModelStateService.name);
  private loaded?: LoadedModel;
  private problem = 'model not loaded yet';

  constructor(
    @Inject(PREDICTOR_CONFIG) private readonly config: PredictorConfig,
    private readonly metrics: PredictorMetrics,
  ) {}

  async onModuleInit(): Promise<void> {
    const result = await loadModelArtifact(this.config.MODEL_PATH, this.config.MODEL_SHA256);
    if (result.ok) {
      this.loaded = result.loaded;
      const { artifact, sha256 } = result.loaded;
      this.metrics.modelInfo.set(
        { release: this.releaseId, model: artifact.name, version: artifact.version, sha256, ready: 'true' },
        1,
      );
      this.logger.log(
        `serving model ${artifact.name}-${artifact.version} (sha256 ${sha256}) as release ${this.config.RELEASE_ID}`,
      );
    } else {
      this.problem = result.problem;
      this.metrics.modelInfo.set({ release: this.releaseId, model: '', version: '', sha256: '', ready: 'false' }, 1);
      this.logger.error(`not ready: ${result.problem}`);
    }
  }

  get releaseId(): string {
    return this.config.RELEASE_ID;
  }

  readiness(): { ready: true; model: LoadedModel } | { ready: false; reason: string } {
    return this.loaded ? { ready: true, model: this.loaded } : { ready: false, reason: this.problem };
  }

  /** The loaded model, or a 503 naming why there is none. */
  require(): LoadedModel {
    if (this.loaded) return this.loaded;
    throw new ApiError(503, 'MODEL_NOT_READY', this.problem, {});
  }
}
