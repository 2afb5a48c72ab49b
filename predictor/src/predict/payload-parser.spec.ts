import { ApiError } from '../errors/api-error';
import { parsePredictionPayload } from './payload-parser';

const F = ['CHAS', 'RM', 'TAX', 'PTRATIO', 'B', 'LSTAT'];
const row0 = { CHAS: 0, RM: 6.575, TAX: 296, PTRATIO: 15.3, B: 396.9, LSTAT: 4.98 };
const row1 = { CHAS: 1, RM: 6.421, TAX: 242, PTRATIO: 17.8, B: 396.9, LSTAT: 9.14 };
const asDicts = (...rows: Record<string, number>[]) =>
  Object.fromEntries(F.map((f) => [f, Object.fromEntries(rows.map((r, i) => [String(i), r[f]]))]));
const asLists = (...rows: Record<string, number>[]) => Object.fromEntries(F.map((f) => [f, rows.map((r) => r[f])]));
const values = (r: Record<string, number>) => F.map((f) => r[f]);
const withoutLstat = ({ LSTAT: _dropped, ...rest }: Record<string, number>) => rest;
const parse = (body: unknown, max = 1000) => parsePredictionPayload(body, F, max);

function errorOf(body: unknown, max = 1000): ApiError {
  try {
    parse(body, max);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected the payload to be refused');
}

describe('parsePredictionPayload accepts every documented shape', () => {
  it('pandas dict-of-dicts (the original capstone payload)', () => {
    const batch = parse(asDicts(row0, row1));
    expect(batch.labels).toEqual(['0', '1']);
    expect(batch.rows.map((r) => Array.from(r))).toEqual([values(row0), values(row1)]);
  });

  it('column lists', () => {
    expect(parse(asLists(row0, row1)).rows.map((r) => Array.from(r))).toEqual([values(row0), values(row1)]);
  });

  it('matches rows by label, not by position, and keeps the first column order', () => {
    const body = asDicts(row0, row1);
    body.RM = { '1': row1.RM, '0': row0.RM };
    body.TAX = { '1': row1.TAX, '0': row0.TAX };
    expect(parse(body).rows.map((r) => Array.from(r))).toEqual([values(row0), values(row1)]);
  });

  it('labels a list column 0..n-1 when it sits next to dict columns', () => {
    const body = asDicts(row0, row1);
    body.LSTAT = [row0.LSTAT, row1.LSTAT] as unknown as Record<string, number>;
    expect(parse(body).rows.map((r) => Array.from(r))).toEqual([values(row0), values(row1)]);
  });

  it('{"instances": [...]}', () => {
    expect(parse({ instances: [row0, row1] }).rows.map((r) => Array.from(r))).toEqual([values(row0), values(row1)]);
  });

  it('feature order in the body does not matter', () => {
    const reversed = Object.fromEntries(Object.entries(asDicts(row0)).reverse());
    expect(Array.from(parse(reversed).rows[0])).toEqual(values(row0));
  });
});

describe('parsePredictionPayload refuses bad input with a 4xx naming the field and row', () => {
  const withColumn = (f: string, v: unknown) => ({ ...asDicts(row0, row1), [f]: v });
  const cases: [string, unknown, number, string, Record<string, unknown>?][] = [
    ['a JSON array', [row0], 400, 'INVALID_PAYLOAD'],
    ['a string', 'hello', 400, 'INVALID_PAYLOAD'],
    ['null', null, 400, 'INVALID_PAYLOAD'],
    ['an empty object', {}, 400, 'MISSING_FEATURE', { field: 'CHAS' }],
    ['only one feature (the original 500ed)', { CHAS: { '0': 0 } }, 400, 'MISSING_FEATURE', { field: 'RM' }],
    ['an unknown feature', withColumn('CRIM', { '0': 1, '1': 1 }), 400, 'UNKNOWN_FEATURE', { field: 'CRIM' }],
    ['scalar columns (the original 500ed)', { ...row0 }, 400, 'INVALID_PAYLOAD', { field: 'CHAS' }],
    ['a string value', withColumn('RM', { '0': '6.5', '1': 6 }), 400, 'INVALID_VALUE', { field: 'RM', row: '0' }],
    ['a null value', withColumn('TAX', { '0': 1, '1': null }), 400, 'INVALID_VALUE', { field: 'TAX', row: '1' }],
    [
      'Infinity (1e999 in JSON)',
      withColumn('B', { '0': 1, '1': Infinity }),
      400,
      'INVALID_VALUE',
      { field: 'B', row: '1' },
    ],
    ['NaN', withColumn('B', { '0': NaN, '1': 1 }), 400, 'INVALID_VALUE', { field: 'B', row: '0' }],
    [
      'a nested object value',
      withColumn('B', { '0': { x: 1 }, '1': 1 }),
      400,
      'INVALID_VALUE',
      { field: 'B', row: '0' },
    ],
    ['mismatched row labels', withColumn('RM', { '0': 6, '7': 6 }), 400, 'ROW_MISMATCH', { field: 'RM' }],
    ['mismatched lengths', withColumn('RM', [6, 6, 6]), 400, 'ROW_MISMATCH', { field: 'RM' }],
    ['an empty batch of columns', asLists(), 400, 'EMPTY_BATCH'],
    ['an empty instances list', { instances: [] }, 400, 'EMPTY_BATCH'],
    ['instances that is not a list', { instances: {} }, 400, 'INVALID_PAYLOAD', { field: 'instances' }],
    ['an instance that is not an object', { instances: [row0, 5] }, 400, 'INVALID_PAYLOAD', { row: 1 }],
    [
      'an instance missing a feature',
      { instances: [row0, withoutLstat(row1)] },
      400,
      'MISSING_FEATURE',
      { field: 'LSTAT', row: 1 },
    ],
    [
      'an instance with an extra feature',
      { instances: [{ ...row0, ZN: 1 }] },
      400,
      'UNKNOWN_FEATURE',
      { field: 'ZN', row: 0 },
    ],
    ['fields next to instances', { instances: [row0], extra: 1 }, 400, 'UNKNOWN_FIELD', { field: 'extra' }],
  ];

  const table = cases.map(([name, body, status, code, details]) => ({ name, body, status, code, details }));
  it.each(table)('$name', ({ body, status, code, details }) => {
    const err = errorOf(body);
    expect({ status: err.status, code: err.code }).toEqual({ status, code });
    if (details) expect(err.details).toEqual(details);
    expect(err.message.length).toBeGreaterThan(10);
  });

  it('a batch over the limit is 413 BATCH_TOO_LARGE, whichever shape', () => {
    for (const body of [asLists(row0, row1, row0), { instances: [row0, row1, row0] }]) {
      const err = errorOf(body, 2);
      expect([err.status, err.code, err.details]).toEqual([413, 'BATCH_TOO_LARGE', { rows: 3, limit: 2 }]);
    }
  });
});
