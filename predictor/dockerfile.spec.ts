import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './src/project-paths';

// No Docker engine runs here, so the image is checked statically: what the issue asks of it,
// and that every file it copies from the build context exists.
const dockerfile = readFileSync(join(PROJECT_ROOT, 'predictor/Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

describe('predictor/Dockerfile', () => {
  it('is multi-stage and installs production dependencies only in the final stage', () => {
    const stages = instructions.filter((l) => l.startsWith('FROM '));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const final = instructions.slice(instructions.lastIndexOf(stages[stages.length - 1]));
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
    const sources = instructions
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) expect([source, existsSync(join(PROJECT_ROOT, source))]).toEqual([source, true]);
  });
});
