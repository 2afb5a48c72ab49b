import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { copiedSources, finalStage, readDockerfileInstructions } from '../scripts/support/dockerfile-instructions';
import { PROJECT_ROOT } from './src/project-paths';

// No Docker engine runs here, so the image is checked statically: what the issue asks of it,
// and that every file it copies from the build context exists.
const instructions = readDockerfileInstructions(join(PROJECT_ROOT, 'predictor/Dockerfile'));

describe('predictor/Dockerfile', () => {
  it('is multi-stage and installs production dependencies only in the final stage', () => {
    const stages = instructions.filter((l) => l.startsWith('FROM '));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const final = finalStage(instructions);
    expect(final.some((l) => /^RUN npm ci .*--omit=dev/.test(l))).toBe(true);
    expect(final.filter((l) => l.startsWith('RUN npm ci')).every((l) => l.includes('--omit=dev'))).toBe(true);
  });

  it('runs as a non-root user, listens on 8080 and has a HEALTHCHECK on /healthz', () => {
    const user = instructions.filter((l) => l.startsWith('USER ')).pop();
    expect(user).toBeDefined();
    expect(user).not.toMatch(/USER (root|0)\b/);
    expect(instructions).toContain('EXPOSE 8080');
    expect(instructions.find((l) => l.startsWith('HEALTHCHECK'))).toMatch(/\/healthz/);
    expect(instructions.find((l) => l.startsWith('CMD ['))).toContain('dist/predictor/src/main.js');
  });

  it('copies only files that exist in the build context', () => {
    const sources = copiedSources(instructions);
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) expect([source, existsSync(join(PROJECT_ROOT, source))]).toEqual([source, true]);
  });
});
