import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one predictor process, on its own registry (no global state). */
@Injectable()
export class PredictorMetrics {
  readonly registry = new Registry();

  readonly requestDuration = new Histogram({
    name: 'predictor_http_request_duration_seconds',
    help: 'HTTP request latency by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly predictions = new Counter({
    name: 'predictor_predictions_total',
    help: 'Rows predicted',
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: 'predictor_errors_total',
    help: 'Error responses by stable error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly modelInfo = new Gauge({
    name: 'predictor_model_info',
    help: 'The model this process serves (value 1), or ready=false while it is not ready',
    labelNames: ['release', 'model', 'version', 'sha256', 'ready'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'predictor_' });
  }
}
