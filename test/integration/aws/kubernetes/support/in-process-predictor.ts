import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { loadPredictorConfig } from '../../../../../predictor/src/config/predictor.config';
import { createPredictorApp } from '../../../../../predictor/src/create-predictor-app';
import { PROJECT_ROOT } from '../../../../../predictor/src/project-paths';

export interface RunningPredictor {
  port: number;
  close(): Promise<void>;
}

/** The image's working directory (predictor/Dockerfile: WORKDIR /app), which is the repository root here. */
const IMAGE_WORKDIR = '/app/';

/**
 * Plays the kubelet for one rendered Deployment: runs the real predictor in this process with
 * the container's environment (RELEASE_ID, MODEL_PATH inside the image mapped onto the
 * repository), on a loopback port the fake's Ingress then points at.
 */
export async function runLikeKubelet(deployment: IDeployment): Promise<RunningPredictor> {
  const env = Object.fromEntries(
    (deployment.spec?.template.spec?.containers[0].env ?? []).map((e) => [e.name, e.value ?? '']),
  );
  if (!env.MODEL_PATH?.startsWith(IMAGE_WORKDIR)) throw new Error(`MODEL_PATH ${env.MODEL_PATH} is not under /app`);
  const config = loadPredictorConfig({
    ...env,
    MODEL_PATH: join(PROJECT_ROOT, env.MODEL_PATH.slice(IMAGE_WORKDIR.length)),
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
  });
  const app = await createPredictorApp(config);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { port, close: () => app.close() };
}
