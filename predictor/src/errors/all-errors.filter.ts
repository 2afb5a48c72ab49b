import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PredictorMetrics } from '../metrics/predictor-metrics.service';
import { ApiError } from './api-error';
import { mapFrameworkError } from './framework-error-mapping';

/** The one place an error becomes an HTTP answer: the stable error body, counted by code. */
@Catch()
export class AllErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly metrics: PredictorMetrics) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let apiError = mapFrameworkError(exception);
    if (!apiError) {
      // Client errors are not news; only the unexpected is logged, with its stack.
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
      apiError = new ApiError(500, 'INTERNAL', 'internal error', {});
    }
    this.metrics.errors.inc({ code: apiError.code });
    if (reply.sent) return;
    void reply
      .status(apiError.status)
      .header('content-type', 'application/json; charset=utf-8')
      .send(apiError.toBody());
  }
}
