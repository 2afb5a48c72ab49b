import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../predictor/src/project-paths';
import { freePort, startNode, stop, waitForHttp } from '../../scripts/support/processes';

export interface PredictorProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the compiled predictor (`npm run build` first) as a real OS process on a free
 * loopback port and waits until it answers /healthz (not /readyz: some tests start it broken).
 */
export async function startPredictor(env: Record<string, string> = {}): Promise<PredictorProcess> {
  const port = await freePort();
  const child = startNode(
    join(PROJECT_ROOT, 'dist/predictor/src/main.js'),
    [],
    { HOST: '127.0.0.1', PORT: String(port), RELEASE_ID: 'e2e', LOG_LEVEL: 'info', ...env },
    true,
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/healthz`, 20_000);
  } catch (err) {
    await stop(child);
    throw new Error(`${(err as Error).message}\n${output}`);
  }
  return { url, child, output: () => output, stop: () => stop(child) };
}
