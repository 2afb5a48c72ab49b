import { Inject, Injectable } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { artifactSchema, type ModelArtifact } from '../../predictor/src/model/artifact.schema';
import type { AppSpec } from '../config/app-spec';
import { CONTROLLER_CONFIG, type ControllerConfig } from '../config/controller.config';
import { loadReferenceData, type ReferenceData } from './reference-data';

/**
 * What the controller itself knows about a release's model, independent of what the release
 * says about itself: the labelled reference rows of its app, and (for a model file) the
 * artifact's golden set and training metrics.
 */
@Injectable()
export class ModelEvidence {
  constructor(@Inject(CONTROLLER_CONFIG) private readonly config: Pick<ControllerConfig, 'workDir'>) {}

  reference(app: AppSpec): ReferenceData {
    return loadReferenceData(this.config.workDir, app.smoke.referenceData);
  }

  /** The artifact, when the release's artifact is a model file the controller can read. */
  async artifact(artifact: string): Promise<ModelArtifact | undefined> {
    if (!artifact.endsWith('.json')) return undefined;
    try {
      const parsed = artifactSchema.safeParse(
        JSON.parse(await readFile(resolve(this.config.workDir, artifact), 'utf8')),
      );
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
