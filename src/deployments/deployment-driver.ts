/**
 * How the application service reaches the reconciler without depending on its loop: wake a
 * deployment now, or drive one to the end (bounded) when a request must wait for it.
 */
export interface DeploymentDriver {
  wake(id: string): void;
  /** Ticks the deployment until it finishes; throws InvalidTransition naming it if that takes too long. */
  driveUntilFinished(id: string): Promise<void>;
}

export const DEPLOYMENT_DRIVER = Symbol('DeploymentDriver');
