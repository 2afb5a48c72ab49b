import type { IncomingMessage, ServerResponse } from 'node:http';

/** One line of the optional access log. */
export interface ExchangeSummary {
  method: string | undefined;
  url: string | undefined;
  status: number;
  /** The release that answered, null when none was asked. */
  release: string | null;
  /** False when the response was cut short (client left, upstream broke off). */
  completed: boolean;
  ms: number;
}

/** Calls `report` once the response is over, finished or cut; `release` is read then, after any retry. */
export function reportWhenOver(
  req: IncomingMessage,
  res: ServerResponse,
  release: () => string | null,
  report: (exchange: ExchangeSummary) => void,
): void {
  const started = performance.now();
  res.once('close', () =>
    report({
      method: req.method,
      url: req.url,
      status: res.statusCode,
      release: release(),
      completed: res.writableFinished,
      ms: Math.round((performance.now() - started) * 1000) / 1000,
    }),
  );
}
