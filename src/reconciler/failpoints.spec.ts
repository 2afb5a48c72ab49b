import { loadControllerConfig } from '../config/controller.config';
import { armFailpoint, FAILPOINTS } from './failpoints';

describe('failpoints', () => {
  it('names three per step, before the run, before the record and after it', () => {
    expect(FAILPOINTS).toHaveLength(24);
    expect(FAILPOINTS.slice(0, 3)).toEqual([
      'provision.before-run',
      'provision.before-record',
      'provision.after-record',
    ]);
    expect(FAILPOINTS).toContain('promote.before-record');
    expect(FAILPOINTS).toContain('retire-green.after-record');
  });

  it('costs nothing when none is armed', () => {
    expect(armFailpoint(null)).toBeUndefined();
  });

  it('kills only at the armed point', () => {
    const kill = jest.fn();
    const hit = armFailpoint('promote.before-record', kill)!;
    hit('promote.before-run');
    hit('verify.before-record');
    expect(kill).not.toHaveBeenCalled();
    hit('promote.before-record');
    expect(kill.mock.calls).toEqual([['promote.before-record']]);
  });

  it('is armed from CUTOVER_FAILPOINT, and an unknown name is refused at boot', () => {
    expect(loadControllerConfig({}, '/repo').failpoint).toBeNull();
    expect(loadControllerConfig({ CUTOVER_FAILPOINT: 'deploy.after-record' }, '/repo').failpoint).toBe(
      'deploy.after-record',
    );
    expect(() => loadControllerConfig({ CUTOVER_FAILPOINT: 'deploy.middle' }, '/repo')).toThrow(
      /CUTOVER_FAILPOINT: must be one of provision.before-run/,
    );
  });
});
