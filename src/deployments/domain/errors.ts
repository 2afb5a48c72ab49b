/**
 * Domain errors: what went wrong in the deployment's own terms, with a stable code. They know
 * nothing of HTTP; one filter maps codes to statuses.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends DomainError {
  readonly code = 'VALIDATION_FAILED';
}

export class AppNotFound extends DomainError {
  readonly code = 'APP_NOT_FOUND';
  constructor(app: string) {
    super(`no app named "${app}"`, { app });
  }
}

export class DeploymentNotFound extends DomainError {
  readonly code = 'DEPLOYMENT_NOT_FOUND';
  constructor(id: string) {
    super(`no deployment with id "${id}"`, { id });
  }
}

export class DeploymentInFlight extends DomainError {
  readonly code = 'DEPLOYMENT_IN_FLIGHT';
  constructor(app: string, inFlight: { id: string; release: string }) {
    super(
      `app ${app} already has deployment ${inFlight.id} (release ${inFlight.release}) in flight; wait for it, abort it, or ask to supersede it`,
      {
        app,
        inFlight,
      },
    );
  }
}

export class StepOutOfOrder extends DomainError {
  readonly code = 'STEP_OUT_OF_ORDER';
}

export class InvalidTransition extends DomainError {
  readonly code = 'INVALID_TRANSITION';
}

export class NoPreviousRelease extends DomainError {
  readonly code = 'NO_PREVIOUS_RELEASE';
}

export class ReleaseNotFound extends DomainError {
  readonly code = 'RELEASE_NOT_FOUND';
}

export class ConcurrentUpdate extends DomainError {
  readonly code = 'CONCURRENT_UPDATE';
}
