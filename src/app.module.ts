import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { ZodValidationPipe } from 'nestjs-zod';
import { AuthGuard, TOKEN_REGISTRY } from './auth/auth.guard';
import type { TokenRegistry } from './auth/token-registry';
import { CONTROLLER_CONFIG, type ControllerConfig } from './config/controller.config';
import { BootstrapService } from './deployments/bootstrap.service';
import { DEPLOYMENT_DRIVER } from './deployments/deployment-driver';
import { DeploymentEventsController } from './deployments/deployment-events.controller';
import { DeploymentsController } from './deployments/deployments.controller';
import { DeploymentsService } from './deployments/deployments.service';
import { AllErrorsFilter } from './http/all-errors.filter';
import { PlatformController } from './http/platform.controller';
import { RateLimitGuard } from './http/rate-limit.guard';
import { ControllerMetrics } from './metrics/controller-metrics';
import { ProvidersModule } from './providers/providers.module';
import { ReconcilerService } from './reconciler/reconciler.service';
import { EdgeVerifier } from './smoke/edge-verifier';
import { ModelEvidence } from './smoke/model-evidence';
import { EdgeSampler } from './smoke/edge-sampler';
import { SmokeTester } from './smoke/smoke-tester';
import { StoreModule } from './store/store.module';

@Module({})
export class AppModule {
  static forConfig(config: ControllerConfig, tokens: TokenRegistry): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            base: { service: 'cutover-controller' },
            // Tokens never reach a log line, whatever logs the request.
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', '*.token', '*.authorization'],
              censor: '[redacted]',
            },
            autoLogging: {
              ignore: (req) =>
                ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') || /\/events(\?|$)/.test(req.url ?? ''),
            },
          },
        }),
        StoreModule,
        ProvidersModule.forConfig(config),
      ],
      controllers: [DeploymentsController, DeploymentEventsController, PlatformController],
      providers: [
        { provide: CONTROLLER_CONFIG, useValue: config },
        { provide: TOKEN_REGISTRY, useValue: tokens },
        // Guards run in this order: a caller over its rate is refused before its token is even checked.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useClass: ZodValidationPipe },
        { provide: APP_FILTER, useClass: AllErrorsFilter },
        ControllerMetrics,
        SmokeTester,
        EdgeVerifier,
        ModelEvidence,
        EdgeSampler,
        ReconcilerService,
        { provide: DEPLOYMENT_DRIVER, useExisting: ReconcilerService },
        DeploymentsService,
        BootstrapService,
      ],
      exports: [CONTROLLER_CONFIG],
    };
  }
}
