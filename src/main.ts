import 'reflect-metadata';
import { loadControllerConfig } from './config/controller.config';
import { describeEndpoints } from './start-banner';
import { startController } from './start-controller';

async function main(): Promise<void> {
  const config = loadControllerConfig();
  const controller = await startController(config);
  process.stdout.write(describeEndpoints(config, controller));
  // SIGTERM (a process manager restarting the controller) stops the controller only: releases
  // and the edge keep serving and are re-adopted. SIGINT (Ctrl-C on `npm start`) stops it all;
  // the next start brings the same releases back.
  const shutdown = (signal: NodeJS.Signals) => {
    const everything = signal === 'SIGINT';
    process.stderr.write(
      `cutover: ${signal}: stopping ${everything ? 'the controller, its releases and the edge' : 'the controller; releases and the edge keep serving'}\n`,
    );
    setTimeout(() => process.exit(0), 30_000).unref();
    controller.stop({ everything }).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`cutover: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
