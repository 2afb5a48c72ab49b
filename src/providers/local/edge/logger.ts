import pino, { type Logger } from 'pino';

/**
 * JSON lines on stdout, written synchronously: the edge logs little (starts, flips, stops), and
 * an asynchronous destination can reorder or lose the last lines when the process exits.
 * Redaction is a second guard: the token is never passed to a log call.
 */
export function createEdgeLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { service: 'cutover-edge', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['adminToken', '*.adminToken', 'authorization', '*.authorization'], censor: '[redacted]' },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}
