import { Inject, Injectable } from '@nestjs/common';
import { PREDICTOR_CONFIG, type PredictorConfig } from '../config/predictor.config';
import { PredictorMetrics } from '../metrics/predictor-metrics.service';
import { ModelStateService } from '../model/model-state.service';
import { parsePredictionPayload } from './payload-parser';

export interface PredictionResponse {
  prediction: number[];
  model: string;
  release: string;
}

/** Answers one /predict body: validate, predict every row on its own, count. */
@Injectable()
export class PredictService {
  constructor(
    private readonly modelState: ModelStateService,
    private readonly metrics: PredictorMetrics,
    @Inject(PREDICTOR_CONFIG) private readonly config: PredictorConfig,
  ) {}

  predict(body: unknown): PredictionResponse {
    const { artifact, model } = this.modelState.require();
    const batch = parsePredictionPayload(body, artifact.features, this.config.MAX_BATCH_ROWS);
    const prediction = batch.rows.map((row) => model.predictRow(row));
    this.metrics.predictions.inc(prediction.length);
    // `prediction` stays first so the original capstone client reads the body unchanged.
    return { prediction, model: `${artifact.name}-${artifact.version}`, release: this.modelState.releaseId };
  }
}
