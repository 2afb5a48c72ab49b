import type { ApiClient } from './api-client';
import type { DeploymentView, ServerEvent } from './api-types';
import { DeploymentProgress } from './deployment-progress';
import type { ProgressPrinter } from './progress-printer';
import { sleep, WAIT_RETRY, withRetry, type RetryPolicy } from './retry';
import { readEvents } from './sse-reader';
import { stateFromProgress, stateFromView, type Verdict, type WaitRule } from './verdicts';

export interface WaitOptions {
  printer: ProgressPrinter;
  rule: WaitRule;
  /** Print events only from the first one this accepts (e.g. this step's request); before it, replay quietly. */
  printFrom?: (event: ServerEvent) => boolean;
  retry?: RetryPolicy;
}

export interface WaitResult {
  deployment: DeploymentView;
  verdict: Verdict;
}

/** Pause between streams when the server ended one before the deployment finished (its stream time limit). */
const RECONNECT_PAUSE_MS = 500;

/**
 * Follows a deployment's events until `rule` gives a verdict, printing progress. A verdict
 * reached on events is confirmed against the deployment record before it is believed (a
 * replayed stream can say "AwaitingPromotion" for a deployment promoted since).
 */
export async function waitForDeployment(client: ApiClient, id: string, options: WaitOptions): Promise<WaitResult> {
  const { printer, rule } = options;
  const retry = options.retry ?? WAIT_RETRY;
  const onRetry = (reason: string, failures: number, delayMs: number) =>
    printer.note(
      `lost the controller at ${client.baseUrl} (${reason}); retrying in ${(delayMs / 1000).toFixed(1)}s (${failures}/${retry.attempts})`,
    );
  const fetchView = () =>
    withRetry(() => client.getDeployment(id), retry, {
      onRetry: (err, failures, delayMs) => onRetry((err as Error).message, failures, delayMs),
    });

  printer.begin(await fetchView());
  const progress = new DeploymentProgress();
  let printing = options.printFrom === undefined;
  let lastEventId: string | undefined;
  for (;;) {
    const result = await readEvents(client, id, {
      lastEventId,
      retry,
      onRetry,
      onEvent: (event) => {
        const change = progress.apply(event);
        if (!printing && options.printFrom?.(event)) printing = true;
        if (change && printing) printer.update(change, progress);
        return rule(stateFromProgress(progress)) !== undefined;
      },
    });
    lastEventId = result.lastEventId;
    const view = await fetchView();
    const verdict = rule(stateFromView(view));
    if (verdict) return { deployment: view, verdict };
    if (view.finished) return { deployment: view, verdict: { ok: view.phase === 'Succeeded', because: 'finished' } };
    if (!result.stopped) await sleep(RECONNECT_PAUSE_MS);
  }
}
