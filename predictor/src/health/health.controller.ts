import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PredictorMetrics } from '../metrics/predictor-metrics.service';
import { runGoldenSet } from '../model/golden-set-check';
import { ModelStateService } from '../model/model-state.service';

@Controller()
export class HealthController {
  constructor(
    private readonly modelState: ModelStateService,
    private readonly metrics: PredictorMetrics,
  ) {}

  /** Alive: the process answers, whatever the model's state. */
  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready: the model loaded, validated and reproduced its golden set. */
  @Get('readyz')
  readyz(@Res({ passthrough: true }) reply: FastifyReply): object {
    const state = this.modelState.readiness();
    if (!state.ready) {
      reply.status(503);
      return { status: 'not-ready', reason: state.reason, release: this.modelState.releaseId };
    }
    return { status: 'ready', release: this.modelState.releaseId, model: modelId(state.model.artifact) };
  }

  @Get('version')
  version(): object {
    const { artifact, sha256 } = this.modelState.require();
    return {
      release: this.modelState.releaseId,
      model: { id: modelId(artifact), name: artifact.name, version: artifact.version, sha256 },
      features: artifact.features,
      metrics: artifact.metrics.holdout,
    };
  }

  /** Runs the artifact's golden set now and reports each case. */
  @Get('smoke')
  @HttpCode(200)
  smoke(@Res({ passthrough: true }) reply: FastifyReply): object {
    const { artifact, model } = this.modelState.require();
    const report = runGoldenSet(artifact, model);
    if (!report.passed) reply.status(503);
    return { release: this.modelState.releaseId, model: modelId(artifact), ...report };
  }

  @Get('metrics')
  async metricsText(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}

function modelId(artifact: { name: string; version: string }): string {
  return `${artifact.name}-${artifact.version}`;
}
