import type { DeploymentView } from './api-types';
import { oneLine } from './format';
import type { Summary } from './progress-printer';
import type { Verdict } from './verdicts';

/** The last line of a wait: the phase reached and, when it went wrong, why. */
export function summarize(d: DeploymentView, verdict: Verdict, label = `deployment ${d.id}`): Summary {
  if (verdict.because === 'awaiting-promotion') {
    return {
      ok: true,
      text: `AwaitingPromotion: release ${d.release} passed its smoke test; promote it with: cutover promote ${d.id}`,
    };
  }
  if (verdict.because === 'step-done' && verdict.ok) return { ok: true, text: `${label} done: phase ${d.phase}` };
  if (verdict.ok && d.phase === 'Succeeded')
    return { ok: true, text: `Succeeded: app ${d.app} serves release ${d.release} (deployment ${d.id})` };
  if (verdict.ok && d.blue)
    return { ok: true, text: `${d.phase}: app ${d.app} serves release ${d.blue.release} (deployment ${d.id})` };
  if (verdict.ok) return { ok: true, text: `${d.phase}: deployment ${d.id}` };
  const where = d.outcome?.step ? ` in step ${d.outcome.step}` : '';
  const reason = d.outcome?.reason ? `: ${oneLine(d.outcome.reason, 500)}` : '';
  const blue = d.blue && !d.checkpoints?.blueRetired ? ` (release ${d.blue.release} keeps serving)` : '';
  return { ok: false, text: `${d.outcome?.phase ?? d.phase}${where}${reason}${blue}` };
}
