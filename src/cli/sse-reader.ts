import type { ServerEvent } from './api-types';
import { ApiError, ConnectionError } from './cli-errors';
import { networkReason, type Destroyable } from './api-client';
import { toServerEvent } from './deployment-progress';
import { isRetryable, backoffDelay, sleep, type RetryPolicy } from './retry';
import { SseParser } from './sse-parser';

export interface EventSourceClient {
  baseUrl: string;
  openEvents(id: string, lastEventId: string | undefined): Promise<AsyncIterable<Uint8Array> & Destroyable>;
}

export interface ReadEventsOptions {
  /** Resume after this event (sent as Last-Event-ID). */
  lastEventId?: string;
  retry: RetryPolicy;
  /** Called for every event in order; answering true closes the stream. */
  onEvent: (event: ServerEvent) => boolean;
  onRetry?: (reason: string, failures: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

export interface ReadEventsResult {
  lastEventId: string | undefined;
  /** true: onEvent asked to stop; false: the server ended the stream (the deployment finished). */
  stopped: boolean;
}

/**
 * Reads a deployment's server-sent events until the server ends the stream or `onEvent` says
 * stop. A refused or broken connection is retried with backoff (bounded), resuming after the
 * last event received, so no event is seen twice or missed.
 */
export async function readEvents(
  client: EventSourceClient,
  id: string,
  options: ReadEventsOptions,
): Promise<ReadEventsResult> {
  let lastEventId = options.lastEventId;
  let failures = 0;
  for (;;) {
    try {
      const body = await client.openEvents(id, lastEventId);
      const parser = new SseParser();
      for await (const chunk of body) {
        failures = 0;
        for (const raw of parser.feed(chunk)) {
          if (raw.id !== undefined) lastEventId = raw.id;
          const event = toServerEvent(raw);
          if (event && handle(options.onEvent, event)) {
            body.destroy();
            return { lastEventId, stopped: true };
          }
        }
      }
      parser.end();
      return { lastEventId, stopped: false };
    } catch (err) {
      if (err instanceof HandlerError) throw err.cause;
      const error =
        err instanceof ApiError || err instanceof ConnectionError
          ? err
          : new ConnectionError(client.baseUrl, networkReason(err));
      failures++;
      if (!isRetryable(error) || failures >= options.retry.attempts) throw error;
      const delay = backoffDelay(options.retry, failures);
      options.onRetry?.(reasonOf(error), failures, delay);
      await (options.sleep ?? sleep)(delay);
    }
  }
}

/** An error thrown by the caller's handler: passed on as it is, never mistaken for a broken connection. */
class HandlerError extends Error {
  constructor(override readonly cause: unknown) {
    super('event handler failed');
  }
}

function handle(onEvent: (event: ServerEvent) => boolean, event: ServerEvent): boolean {
  try {
    return onEvent(event);
  } catch (err) {
    throw new HandlerError(err);
  }
}

const reasonOf = (err: ApiError | ConnectionError) => (err instanceof ConnectionError ? err.reason : `${err.code}`);
