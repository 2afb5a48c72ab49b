import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { presentedBearerToken, TOKEN_REGISTRY } from '../auth/auth.guard';
import type { TokenRegistry } from '../auth/token-registry';
import { CONTROLLER_CONFIG, type ControllerConfig } from '../config/controller.config';
import { DomainError } from '../deployments/domain/errors';
import { TokenBuckets } from './token-bucket';

export class RateLimited extends DomainError {
  readonly code = 'RATE_LIMITED';
  constructor(retryAfterSeconds: number) {
    super(`too many requests; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

const NO_RATE_LIMIT = 'cutover:noRateLimit';
/** For the platform's probes and scrapes: a throttled liveness probe would restart a healthy controller. */
export const NoRateLimit = () => SetMetadata(NO_RATE_LIMIT, true);

/**
 * A token bucket per caller, checked before authentication: a valid token is its own caller,
 * anything else (no token, a wrong one) counts against the client's address, so guessing
 * tokens is throttled too. The arithmetic is in TokenBuckets, pure and tested on its own.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly buckets: TokenBuckets | undefined;

  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_REGISTRY) private readonly tokens: TokenRegistry,
    @Inject(CONTROLLER_CONFIG) config: ControllerConfig,
  ) {
    this.buckets = config.rateLimit ? new TokenBuckets(config.rateLimit) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.buckets) return true;
    if (this.reflector.getAllAndOverride<boolean>(NO_RATE_LIMIT, [context.getHandler(), context.getClass()]))
      return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = presentedBearerToken(request.headers.authorization);
    const principal = token === undefined ? undefined : this.tokens.authenticate(token);
    const key = principal ? `token:${principal.name}` : `ip:${request.ip}`;
    const result = this.buckets.take(key, Date.now());
    if (!result.allowed) throw new RateLimited(result.retryAfterSeconds);
    return true;
  }
}
