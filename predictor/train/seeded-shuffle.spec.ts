import { shuffleWithSeed } from './seeded-shuffle';

describe('shuffleWithSeed', () => {
  const values = Array.from({ length: 50 }, (_, i) => i);

  it('is a permutation that leaves its input alone', () => {
    const shuffled = shuffleWithSeed(values, 7);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(values);
    expect(values[10]).toBe(10);
    expect(shuffled).not.toEqual(values);
  });

  it('is fixed by the seed, and another seed gives another order', () => {
    expect(shuffleWithSeed(values, 7)).toEqual(shuffleWithSeed(values, 7));
    expect(shuffleWithSeed(values, 8)).not.toEqual(shuffleWithSeed(values, 7));
  });
});
