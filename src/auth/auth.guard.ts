import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../deployments/domain/errors';
import { PUBLIC_ROUTE, REQUIRED_ROLE, roleSatisfies, type Role } from './roles';
import type { Principal, TokenRegistry } from './token-registry';

export const TOKEN_REGISTRY = Symbol('TokenRegistry');

export class Unauthenticated extends DomainError {
  readonly code = 'UNAUTHENTICATED';
}
export class Forbidden extends DomainError {
  readonly code = 'FORBIDDEN';
}

export type AuthedRequest = FastifyRequest & { principal?: Principal };

/** The token of an `Authorization: Bearer <token>` header, if that is what the header holds. */
export function presentedBearerToken(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' ? /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header)?.[1] : undefined;
}

/** Bearer-token authentication and role check for every route; public routes opt out explicitly. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_REGISTRY) private readonly tokens: TokenRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const needs = this.reflector.getAllAndOverride<Role>(REQUIRED_ROLE, targets);
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const token = presentedBearerToken(request.headers.authorization);
    if (token === undefined) throw new Unauthenticated('a bearer token is required (Authorization: Bearer <token>)');
    const principal = this.tokens.authenticate(token);
    if (!principal) throw new Unauthenticated('the bearer token is not valid');
    if (!needs) throw new Forbidden('this route has no role assigned');
    if (!roleSatisfies(principal.role, needs))
      throw new Forbidden(`this needs the ${needs} role; ${principal.name} has ${principal.role}`, {
        needs,
        has: principal.role,
      });
    request.principal = principal;
    return true;
  }
}
