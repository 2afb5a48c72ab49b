import type { AppSpec } from '../config/app-spec';

export type ArtifactCheck = { ok: true; artifact: string; sha256?: string } | { ok: false; problem: string };

/**
 * What a release's artifact may be: an existing model file inside the allowed folders (local)
 * or an immutable image reference (aws). Returns the canonical form to store.
 */
export interface ArtifactPolicy {
  check(app: AppSpec, artifact: string): Promise<ArtifactCheck>;
}

export const ARTIFACT_POLICY = Symbol('ArtifactPolicy');
