#!/usr/bin/env node
import { runCli } from './cli';
import { readCliEnv } from './cli-config';

/** The `cutover` executable (bin/cutover.js requires this file): runs the command line and exits with its code. */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

// A closed pipe (`cutover history | head`) is not worth a crash.
process.stdout.on('error', () => undefined);

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: readCliEnv() }).then(
  exitAfterFlush,
  (err: unknown) => {
    process.stderr.write(`unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    exitAfterFlush(2);
  },
);
