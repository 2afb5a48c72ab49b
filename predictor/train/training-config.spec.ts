import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CAPSTONE_FEATURES,
  DEFAULT_DATA_PATH,
  parseTrainingConfig,
  readTrainingConfig,
  TrainingConfigError,
} from './training-config';

const minimal = 'name: housing\nversion: v9\nalgorithm: cart\nseed: 7\nparams:\n  maxDepth: 4\n';

describe('training config', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'cutover-params-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (text: string) => {
    const path = join(dir, `params-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(path, text);
    return path;
  };
  const errorOf = (text: string): string => {
    try {
      readTrainingConfig(write(text));
    } catch (err) {
      expect(err).toBeInstanceOf(TrainingConfigError);
      const message = (err as Error).message;
      expect(message).not.toContain('\n');
      return message;
    }
    throw new Error('expected the params file to be refused');
  };

  it('fills in the capstone features, target, data file and library defaults', () => {
    const config = readTrainingConfig(write(minimal));
    expect(config).toMatchObject({
      features: [...CAPSTONE_FEATURES],
      target: 'MEDV',
      data: DEFAULT_DATA_PATH,
      labels: 'as-is',
      params: { maxDepth: 4, minNumSamples: 3 },
    });
  });

  it('reads the committed housing-v2 params', () => {
    const config = readTrainingConfig(join(__dirname, 'params', 'housing-v2.yaml'));
    expect(config).toMatchObject({ name: 'housing', version: 'v2', algorithm: 'random-forest' });
  });

  it('gives forest params their defaults and refuses forest params on a single tree', () => {
    const forest = parseTrainingConfig({
      name: 'h',
      version: 'v1',
      algorithm: 'random-forest',
      seed: 1,
      params: { maxDepth: 3 },
    });
    expect(forest.params).toEqual({
      maxDepth: 3,
      minNumSamples: 3,
      nEstimators: 20,
      maxFeatures: 1,
      replacement: false,
      useSampleBagging: true,
    });
    expect(errorOf(minimal + '  nEstimators: 5\n')).toMatch(/: params: Unrecognized key: "nEstimators"$/);
  });

  it.each([
    ['an unknown algorithm', minimal.replace('cart', 'xgboost'), /: algorithm: Invalid discriminator value/],
    ['a non-numeric maxDepth', minimal.replace('4', 'deep'), /: params\.maxDepth: .*expected number/],
    ['a fractional maxDepth', minimal.replace('4', '2.5'), /: params\.maxDepth: .*expected int/],
    [
      'a misspelt key',
      minimal.replace('maxDepth', 'maxDeph'),
      /\.yaml: params: Unrecognized key: "maxDeph"; params\.maxDepth: /,
    ],
    ['a missing seed', minimal.replace('seed: 7\n', ''), /: seed: .*expected number/],
    ['a negative seed', minimal.replace('seed: 7', 'seed: -1'), /: seed: /],
    ['an invalid name', minimal.replace('housing', 'Housing Model'), /: name: /],
    ['an invalid version', minimal.replace('v9', '2'), /: version: /],
    ['an unknown labels mode', minimal + 'labels: reverse\n', /: labels: /],
    [
      'the target among the features',
      minimal + 'features: [RM, MEDV]\n',
      /: target: the target must not also be a feature/,
    ],
    ['a repeated feature', minimal + 'features: [RM, RM]\n', /: features: must not repeat a feature/],
    ['an empty file', '', /: \(root\): .*expected object/],
    ['broken YAML', 'name: [housing\n', /is not valid YAML: /],
  ])('refuses %s with a one-line message naming the field', (_what, text, expected) => {
    expect(errorOf(text)).toMatch(expected);
  });

  it('names a params file it cannot read', () => {
    expect(() => readTrainingConfig(join(dir, 'absent.yaml'))).toThrow(/cannot read params file .*absent\.yaml/);
  });
});
