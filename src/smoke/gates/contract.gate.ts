import type { SmokeCheck } from '../../deployments/domain/deployment';
import { probe } from '../http-probe';
import { check, type Gate } from './gate';

/** The original capstone client must keep working, and a malformed payload must be refused. */
export const CAPSTONE_PAYLOAD = {
  CHAS: { '0': 0 },
  RM: { '0': 6.575 },
  TAX: { '0': 296.0 },
  PTRATIO: { '0': 15.3 },
  B: { '0': 396.9 },
  LSTAT: { '0': 4.98 },
};

export const contractGate: Gate = async ({ app, green, timeoutMs }) => {
  const { critical } = app.smoke.contract;
  const checks: SmokeCheck[] = [];
  const ok = await probe(`${green.endpoint}/predict`, { method: 'POST', body: CAPSTONE_PAYLOAD, timeoutMs });
  const prediction = ok.ok ? (ok.response.body as { prediction?: unknown }).prediction : undefined;
  const finite =
    Array.isArray(prediction) &&
    prediction.length === 1 &&
    typeof prediction[0] === 'number' &&
    Number.isFinite(prediction[0]);
  checks.push(
    ok.ok && ok.response.status === 200 && finite
      ? check('contract-capstone', critical, true, `the capstone payload is answered 200 with ${prediction?.[0]}`)
      : check(
          'contract-capstone',
          critical,
          false,
          ok.ok
            ? `the capstone payload was answered ${ok.response.status} ${JSON.stringify(ok.response.body).slice(0, 160)}`
            : ok.problem,
        ),
  );
  const bad = await probe(`${green.endpoint}/predict`, { method: 'POST', body: { CHAS: { '0': 0 } }, timeoutMs });
  const error = bad.ok ? (bad.response.body as { error?: { code?: unknown; message?: unknown } }).error : undefined;
  const shaped = typeof error?.code === 'string' && typeof error?.message === 'string';
  checks.push(
    bad.ok && bad.response.status === 400 && shaped
      ? check('contract-malformed', critical, true, `a payload missing features is refused 400 ${String(error?.code)}`)
      : check(
          'contract-malformed',
          critical,
          false,
          bad.ok
            ? `a payload missing features was answered ${bad.response.status}, expected 400 with the error shape`
            : bad.problem,
        ),
  );
  return checks;
};
