/**
 * The local edge process: a reverse proxy in front of the active predictor release, flipped
 * through its admin listener. It is its own process so that user traffic survives a controller
 * crash; the controller spawns `node dist/src/providers/local/edge/edge-main.js`.
 */
import { EdgeConfigError, loadEdgeConfig, type EdgeConfig } from '../../../config/edge.config';
import { startEdge } from './edge-server';
import { createEdgeLogger } from './logger';
import { OriginStore, StateFileError } from './origin-store';

// If a stop hangs anyway, leave: the drain timeout is a promise to whoever sent the signal.
const STOP_GRACE_MS = 2_000;

async function main(): Promise<void> {
  let config: EdgeConfig;
  try {
    config = loadEdgeConfig();
  } catch (err) {
    if (!(err instanceof EdgeConfigError)) throw err;
    process.stderr.write(`edge: ${err.message}\n`);
    process.exit(1);
  }
  const logger = createEdgeLogger(config.logLevel);
  try {
    const store = await OriginStore.open(config.stateFile);
    const edge = await startEdge({ config, store, logger });
    const { origin, generation } = store.current();
    logger.info(
      {
        event: 'start',
        listen: `${edge.publicAddress.address}:${edge.publicAddress.port}`,
        admin: `${edge.adminAddress.address}:${edge.adminAddress.port}`,
        publicPort: edge.publicAddress.port,
        adminPort: edge.adminAddress.port,
        stateFile: config.stateFile,
        origin,
        generation,
      },
      origin ? `edge started, serving ${origin.release}` : 'edge started with no origin',
    );

    let stopping = false;
    const shutdown = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info({ event: 'stopping', signal, drainTimeoutMs: config.drainTimeoutMs }, 'edge stopping');
      setTimeout(() => process.exit(0), config.drainTimeoutMs + STOP_GRACE_MS).unref();
      edge
        .stop()
        .then(({ drained }) => logger.info({ event: 'stop', signal, drained }, 'edge stopped'))
        .catch((err: unknown) => logger.error({ event: 'stop', err }, 'edge stop failed'))
        .finally(() => process.exit(0));
    };
    process.on('SIGTERM', shutdown);
    process.on('SIGINT', shutdown);
  } catch (err) {
    const known = err instanceof StateFileError || (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
    logger.fatal(
      { event: 'start-failed', err: known ? { message: (err as Error).message } : err },
      'edge failed to start',
    );
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`edge: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
