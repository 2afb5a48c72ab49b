import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ZodValidationException } from 'nestjs-zod';
import type { ZodError } from 'zod';
import { ApiError } from '../../predictor/src/errors/api-error';
import { mapFrameworkError } from '../../predictor/src/errors/framework-error-mapping';
import { DomainError } from '../deployments/domain/errors';
import { STATUS_BY_CODE } from './error-status';

/** Every error the API answers goes through here, as `{ error: { code, message, details } }`. */
@Catch()
export class AllErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = this.toApiError(exception);
    if (reply.sent || reply.raw.headersSent) return;
    // An error that knows when to come back says so the standard way too (RFC 9110, 10.2.3).
    const retryAfter = error.details.retryAfterSeconds;
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
    void reply.status(error.status).header('content-type', 'application/json; charset=utf-8').send(error.toBody());
  }

  private toApiError(exception: unknown): ApiError {
    if (exception instanceof DomainError) {
      return new ApiError(STATUS_BY_CODE[exception.code] ?? 400, exception.code, exception.message, exception.details);
    }
    if (exception instanceof ZodValidationException) {
      const issues = (exception.getZodError() as ZodError).issues
        .slice(0, 10)
        .map((i) => ({ path: i.path.join('.'), message: i.message }));
      const first = issues[0];
      const message = first ? `${first.path || 'body'}: ${first.message}` : 'invalid request';
      return new ApiError(400, 'VALIDATION_FAILED', message, { issues });
    }
    const mapped = mapFrameworkError(exception);
    if (mapped) return mapped;
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return new ApiError(500, 'INTERNAL', 'internal error', {});
  }
}
