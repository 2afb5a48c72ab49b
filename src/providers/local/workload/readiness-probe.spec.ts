import { classifyReadiness } from './readiness-probe';

describe('classifyReadiness', () => {
  it('is ready on 200 from the expected release', () => {
    expect(classifyReadiness(200, JSON.stringify({ status: 'ready', release: 'r1', model: 'm-1' }), 'r1')).toEqual({
      kind: 'ready',
    });
  });

  it("is not ready, with the predictor's reason, on 503", () => {
    const body = JSON.stringify({
      status: 'not-ready',
      reason: 'model artifact /m.json is not valid JSON',
      release: 'r1',
    });
    expect(classifyReadiness(503, body, 'r1')).toEqual({
      kind: 'not-ready',
      reason: 'model artifact /m.json is not valid JSON',
    });
  });

  it('does not trust another release answering on the port', () => {
    const result = classifyReadiness(200, JSON.stringify({ status: 'ready', release: 'other' }), 'r1');
    expect(result).toEqual({ kind: 'no-answer', detail: expect.stringContaining('release other, not r1') });
  });

  it('treats anything else as no answer yet', () => {
    expect(classifyReadiness(502, 'Bad Gateway', 'r1').kind).toBe('no-answer');
    expect(classifyReadiness(200, 'null', 'r1').kind).toBe('no-answer');
    expect(classifyReadiness(503, JSON.stringify({ status: 'not-ready', release: 'r1' }), 'r1').kind).toBe('no-answer');
    expect(classifyReadiness(500, JSON.stringify({ status: 'ready', release: 'r1' }), 'r1').kind).toBe('no-answer');
  });
});
