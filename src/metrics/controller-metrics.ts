import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of the controller, on its own registry. */
@Injectable()
export class ControllerMetrics {
  readonly registry = new Registry();

  readonly deployments = new Counter({
    name: 'cutover_deployments_total',
    help: 'Finished deployments by app and outcome phase',
    labelNames: ['app', 'phase'] as const,
    registers: [this.registry],
  });

  readonly stepDuration = new Histogram({
    name: 'cutover_step_duration_seconds',
    help: 'Duration of one step attempt, by step and result',
    labelNames: ['step', 'status'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly flips = new Counter({
    name: 'cutover_edge_flips_total',
    help: 'Edge origin changes made by the controller, by app and direction',
    labelNames: ['app', 'direction'] as const,
    registers: [this.registry],
  });

  readonly activeRelease = new Gauge({
    name: 'cutover_active_release',
    help: 'The release each app serves (value 1)',
    labelNames: ['app', 'release'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'cutover_' });
  }

  setActive(app: string, release: string | undefined): void {
    this.activeRelease.reset();
    if (release) this.activeRelease.set({ app, release }, 1);
  }
}
