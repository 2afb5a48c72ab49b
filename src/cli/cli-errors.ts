/** What can go wrong in the CLI, each with what the user reads. Mapped to exit codes in exit-codes.ts. */

/** The command line itself is wrong (an invalid release id, a missing option, a bad URL). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The controller could not be reached, or the connection broke. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach the controller at ${url}: ${reason}`);
  }
}

/** The API answered with an error: `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The server is older than this CLI: a route it does not have yet. */
export class NotSupportedByServer extends Error {
  override readonly name = 'NotSupportedByServer';
}
