/**
 * The three external systems a deployment touches, as ports. The controller's steps call
 * only these; `local` and `aws` adapters implement them. Expected outcomes — done, not yet,
 * failed — are values; exceptions mean something unexpected broke.
 */

/** One release of one app, with the deterministic name its resources carry. */
export interface ReleaseTarget {
  app: string;
  release: string;
  /** Model artifact path (local) or OCI image reference (aws). */
  artifact: string;
  /** `<app>-<release>`: namespace, Fargate profile, local process. */
  name: string;
}

export type StepResult =
  | { status: 'done'; message: string }
  | { status: 'progressing'; message: string; retryAfterSeconds: number }
  | { status: 'failed'; message: string };

export type WorkloadResult =
  | { status: 'done'; message: string; endpoint: string }
  | { status: 'progressing'; message: string; retryAfterSeconds: number }
  | { status: 'failed'; message: string };

/** Capacity for a release: a Fargate profile on aws; nothing on local. */
export interface ComputePort {
  ensureCapacity(target: ReleaseTarget): Promise<StepResult>;
  releaseCapacity(target: ReleaseTarget): Promise<StepResult>;
}

/** Makes a release run and reports where it answers. */
export interface WorkloadPort {
  ensureRunning(target: ReleaseTarget): Promise<WorkloadResult>;
  /** Where a release answers if it runs and is ready, without starting anything. */
  findEndpoint(target: ReleaseTarget): Promise<string | undefined>;
  retire(target: ReleaseTarget): Promise<StepResult>;
}

export interface EdgeOrigin {
  release: string;
  endpoint: string;
}

/** What end users hit: CloudFront on aws, the local edge proxy on local. */
export interface EdgePort {
  /** The URL users (and verification) use. */
  publicUrl(app: string): string;
  currentOrigin(app: string): Promise<EdgeOrigin | null>;
  /** Routes the edge to `origin` (null: no origin). Already routed there is done. */
  routeTo(app: string, origin: EdgeOrigin | null): Promise<StepResult>;
}

export const COMPUTE_PORT = Symbol('ComputePort');
export const WORKLOAD_PORT = Symbol('WorkloadPort');
export const EDGE_PORT = Symbol('EdgePort');
