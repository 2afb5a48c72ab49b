/**
 * Trains a model version from a params file and writes its artifact.
 *
 *   npm run train -- --config predictor/train/params/housing-v2.yaml [--out predictor/models/housing-v2.json]
 *
 * Exit codes: 0 written, 2 bad usage or params file, 1 training failed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MODELS_DIR } from '../src/project-paths';
import { projectRelative, trainModel, type TrainedModel } from './train-model';
import { readTrainingConfig, TrainingConfigError } from './training-config';

const USAGE = 'usage: npm run train -- --config <params.yaml> [--out <artifact.json>]';

export interface CliOutput {
  log(line: string): void;
  error(line: string): void;
}

export function runTrain(argv: readonly string[], out: CliOutput = console): number {
  let configPath: string;
  let outPath: string | undefined;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { config: { type: 'string' }, out: { type: 'string' } },
      strict: true,
    });
    if (!values.config) throw new TrainingConfigError('--config is required');
    configPath = resolve(values.config);
    outPath = values.out === undefined ? undefined : resolve(values.out);
  } catch (err) {
    out.error(`train: ${(err as Error).message.split('\n')[0]}\n${USAGE}`);
    return 2;
  }

  try {
    const config = readTrainingConfig(configPath);
    const source = `${projectRelative(configPath)} (sha256 ${sha256(readFileSync(configPath))})`;
    const trained = trainModel(config, { source });
    const target = outPath ?? join(MODELS_DIR, `${config.name}-${config.version}.json`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, trained.json);
    out.log(summarize(projectRelative(target), trained));
    return 0;
  } catch (err) {
    // Every failure is one line: a stack trace would bury the field that needs fixing.
    out.error(`train: ${(err as Error).message.split('\n')[0]}`);
    return err instanceof TrainingConfigError ? 2 : 1;
  }
}

function summarize(target: string, { artifact, json }: TrainedModel): string {
  const { rmse, mae, r2, rows } = artifact.metrics.holdout;
  const { trees } = artifact.ensemble;
  const nodes = trees.reduce((n, t) => n + t.feature.length, 0);
  return (
    `wrote ${target}: ${artifact.name} ${artifact.version} (${artifact.provenance.algorithm}), ` +
    `holdout RMSE ${rmse.toFixed(4)} MAE ${mae.toFixed(4)} R2 ${r2.toFixed(4)} on ${rows} rows, ` +
    `${trees.length} tree${trees.length === 1 ? '' : 's'} / ${nodes} nodes, ${(Buffer.byteLength(json) / 1024).toFixed(1)} KiB`
  );
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

if (require.main === module) process.exitCode = runTrain(process.argv.slice(2));
