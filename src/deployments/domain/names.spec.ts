import { describeImageReferenceProblem, describeReleaseIdProblem, resourceName } from './names';

describe('release ids', () => {
  it.each(['v1', 'v2', 'abc1234', 'a', 'release-2026-11-22', '0', 'a'.repeat(40)])('accepts %s', (id) => {
    expect(describeReleaseIdProblem(id)).toBeUndefined();
  });
  it.each([
    ['', /empty/],
    ['V1', /DNS-1123/],
    ['v1_', /DNS-1123/],
    ['-v1', /DNS-1123/],
    ['v1-', /DNS-1123/],
    ['../etc', /DNS-1123/],
    ['v1;rm -rf', /DNS-1123/],
    ['vé', /DNS-1123/],
    ['v1\n', /DNS-1123/],
    ['a'.repeat(41), /longer than 40/],
  ])('refuses %j', (id, why) => {
    expect(describeReleaseIdProblem(id)).toMatch(why);
  });
  it('derives one deterministic name for namespace, profile and process', () => {
    expect(resourceName('housing', 'abc1234')).toBe('housing-abc1234');
  });
});

describe('image references', () => {
  it.each([
    '123456789012.dkr.ecr.us-east-1.amazonaws.com/cutover-predictor:abc1234',
    'ghcr.io/acme/predictor:v2',
    'localhost:5000/predictor:1.0',
    `predictor@sha256:${'a'.repeat(64)}`,
    `registry.example.com/a/b/c:tag@sha256:${'0'.repeat(64)}`,
  ])('accepts %s', (ref) => expect(describeImageReferenceProblem(ref)).toBeUndefined());
  it.each([
    ['predictor', /needs a tag or a digest/],
    ['predictor:latest', /mutable/],
    ['Predictor:v1', /not a valid image reference/],
    ['predictor:v1; curl evil', /not a valid image reference/],
    ['predictor:$(id)', /not a valid image reference/],
    ['predictor:v1\n- name: x', /not a valid image reference/],
    ['x'.repeat(300), /longer than 255/],
  ])('refuses %j', (ref, why) => expect(describeImageReferenceProblem(ref)).toMatch(why));
});
