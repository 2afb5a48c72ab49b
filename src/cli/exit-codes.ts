import { ApiError, ConnectionError, NotSupportedByServer, UsageError } from './cli-errors';

/**
 * 0: it worked. 1: the deployment failed, was aborted or rolled back. 2: the command could not
 * do its job (usage, connection, or an error answer from the API).
 */
export const EXIT = { ok: 0, deploymentFailed: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface FailureReport {
  exitCode: ExitCode;
  /** One line for stderr; never a stack trace, never a token. */
  message: string;
}

/** Turns anything a command threw into an exit code and one line for the user. */
export function reportFailure(err: unknown, hints: { tokenGiven?: boolean } = {}): FailureReport {
  if (err instanceof UsageError) return { exitCode: EXIT.usage, message: `error: ${err.message}` };
  if (err instanceof ConnectionError) return { exitCode: EXIT.usage, message: err.message };
  if (err instanceof NotSupportedByServer) return { exitCode: EXIT.usage, message: err.message };
  if (err instanceof ApiError) {
    let message = `${err.code}: ${err.message}`;
    if (err.status === 401 && hints.tokenGiven === false)
      message += ' (no token found: pass --token or set CUTOVER_TOKEN)';
    return { exitCode: EXIT.usage, message };
  }
  const text = err instanceof Error ? err.message : String(err);
  return { exitCode: EXIT.usage, message: `unexpected error: ${firstLine(text)}` };
}

const firstLine = (s: string) => s.split('\n', 1)[0] ?? '';
