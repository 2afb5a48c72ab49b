import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { PREDICTOR_CONFIG, type PredictorConfig } from './config/predictor.config';
import { AllErrorsFilter } from './errors/all-errors.filter';
import { HealthController } from './health/health.controller';
import { PredictorMetrics } from './metrics/predictor-metrics.service';
import { ModelStateService } from './model/model-state.service';
import { PredictService } from './predict/predict.service';

@Module({})
export class PredictorModule {
  static forConfig(config: PredictorConfig): DynamicModule {
    return {
      module: PredictorModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            base: { service: 'predictor', release: config.RELEASE_ID },
            // Per-request lines would cost more than a prediction; latency lives in /metrics.
            // Client errors and failures are still logged by the error filter.
            autoLogging: false,
            redact: ['req.headers.authorization'],
          },
          // No request-scoped logger middleware: it cost more than the prediction itself, and the
          // predictor logs nothing per request (latency and errors are in /metrics).
          forRoutes: [],
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: PREDICTOR_CONFIG, useValue: config },
        PredictorMetrics,
        ModelStateService,
        PredictService,
        { provide: APP_FILTER, useClass: AllErrorsFilter },
      ],
    };
  }
}
