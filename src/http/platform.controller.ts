import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PublicRoute } from '../auth/roles';
import { ControllerMetrics } from '../metrics/controller-metrics';
import { DEPLOYMENT_STORE, type DeploymentStore } from '../store/deployment-store';
import { NoRateLimit } from './rate-limit.guard';

/** For the platform: liveness, readiness (the store answers), Prometheus metrics. No token, no rate limit. */
@ApiExcludeController()
@NoRateLimit()
@Controller()
export class PlatformController {
  constructor(
    private readonly metrics: ControllerMetrics,
    @Inject(DEPLOYMENT_STORE) private readonly store: DeploymentStore,
  ) {}

  @Get('healthz')
  @PublicRoute()
  healthz() {
    return { status: 'ok' };
  }

  @Get('readyz')
  @PublicRoute()
  async readyz(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      await this.store.listInFlight();
      return { status: 'ready' };
    } catch (err) {
      reply.status(503);
      return { status: 'not-ready', reason: `store: ${(err as Error).message}` };
    }
  }

  @Get('metrics')
  @PublicRoute()
  async metricsText(@Res({ passthrough: true }) reply: FastifyReply) {
    reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
