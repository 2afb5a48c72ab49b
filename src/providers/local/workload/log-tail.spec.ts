import { summariseLastLine } from './log-tail';

describe('summariseLastLine', () => {
  it("takes pino's msg from a JSON line", () => {
    const text = '{"level":30,"msg":"booting"}\n{"level":50,"msg":"not ready: bad model"}\n\n';
    expect(summariseLastLine(text)).toBe('not ready: bad model');
  });

  it('keeps plain lines and skips the launch banners', () => {
    expect(summariseLastLine('predictor: invalid predictor configuration: PORT\n--- cutover: restart 2 ---\n')).toBe(
      'predictor: invalid predictor configuration: PORT',
    );
  });

  it('shortens long lines and has nothing to say about an empty log', () => {
    expect(summariseLastLine('x'.repeat(400))).toHaveLength(301);
    expect(summariseLastLine('\n\n')).toBeUndefined();
  });
});
