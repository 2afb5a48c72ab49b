import 'reflect-metadata';
import { loadPredictorConfig, PredictorConfigError } from './config/predictor.config';
import { createPredictorApp } from './create-predictor-app';

async function main(): Promise<void> {
  const config = loadPredictorConfig();
  const app = await createPredictorApp(config);
  await app.listen(config.PORT, config.HOST);
  const server = app.getHttpServer() as import('node:http').Server;
  const silentSockets = trackSilentSockets(server);

  // Graceful stop: close the listener, let in-flight requests finish, then exit 0. A stuck
  // drain must not keep a retired release alive forever, hence the deadline.
  const shutdown = (signal: NodeJS.Signals) => {
    process.stderr.write(`predictor: ${signal} received, draining\n`);
    setTimeout(() => {
      process.stderr.write(`predictor: drain took longer than ${config.SHUTDOWN_TIMEOUT_MS} ms, exiting\n`);
      process.exit(0);
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    // Connections that finish their last request while we drain would otherwise sit in
    // keep-alive until the client gives up on them; close each as soon as it goes idle.
    // Connections a proxy opened but never used are not "idle" to Node either: close those too.
    setInterval(() => {
      server.closeIdleConnections();
      for (const socket of silentSockets) socket.destroy();
    }, 100).unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/** Sockets that connected but have not sent a request yet; a socket leaves the set on its first request. */
function trackSilentSockets(server: import('node:http').Server): Set<import('node:net').Socket> {
  const silent = new Set<import('node:net').Socket>();
  server.on('connection', (socket: import('node:net').Socket) => {
    silent.add(socket);
    socket.once('close', () => silent.delete(socket));
  });
  server.on('request', (req: import('node:http').IncomingMessage) => silent.delete(req.socket));
  return silent;
}

main().catch((err: unknown) => {
  const message =
    err instanceof PredictorConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`predictor: ${message}\n`);
  process.exit(1);
});
