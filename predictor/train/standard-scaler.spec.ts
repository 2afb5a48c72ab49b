import { fitStandardScaler, scaleRow } from './standard-scaler';

describe('fitStandardScaler', () => {
  it('uses the population standard deviation (divides by n, as sklearn does)', () => {
    const scaler = fitStandardScaler([[1], [2], [3], [4]]);
    expect(scaler.mean).toEqual([2.5]);
    expect(scaler.scale[0]).toBeCloseTo(Math.sqrt(1.25), 15);
  });

  it('scales a constant column by 1 instead of dividing by zero', () => {
    const scaler = fitStandardScaler([
      [5, 1],
      [5, 3],
    ]);
    expect(scaler.scale).toEqual([1, 1]);
    expect(scaleRow(scaler, [7, 3])).toEqual([2, 1]);
  });

  it('refuses to fit on no rows', () => {
    expect(() => fitStandardScaler([])).toThrow(/no rows/);
  });
});
