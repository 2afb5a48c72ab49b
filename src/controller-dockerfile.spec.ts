import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../predictor/src/project-paths';
import { copiedSources, finalStage, readDockerfileInstructions } from '../scripts/support/dockerfile-instructions';
import { appSpecSchema } from './config/app-spec';

// No Docker engine runs here, so the controller's image (what manifests/controller/ runs) is
// checked statically: its shape, and that everything the controller reads at run time is in it.
const instructions = readDockerfileInstructions(join(PROJECT_ROOT, 'Dockerfile'));
const final = finalStage(instructions);

describe('Dockerfile (the controller image)', () => {
  it('is multi-stage and installs production dependencies only in the final stage', () => {
    expect(instructions.filter((l) => l.startsWith('FROM ')).length).toBeGreaterThanOrEqual(2);
    const installs = final.filter((l) => l.startsWith('RUN npm ci'));
    expect(installs.length).toBe(1);
    expect(installs[0]).toContain('--omit=dev');
  });

  it('runs the controller on the aws provider as a non-root user, on 3000, with a HEALTHCHECK on /healthz', () => {
    expect(final.filter((l) => l.startsWith('USER ')).pop()).toBe('USER node');
    expect(final).toContain('EXPOSE 3000');
    expect(final.find((l) => l.startsWith('ENV '))).toMatch(/CUTOVER_PROVIDER=aws .*CUTOVER_PORT=3000/);
    expect(final.find((l) => l.startsWith('HEALTHCHECK'))).toMatch(/\/healthz/);
    expect(final.find((l) => l.startsWith('CMD ['))).toContain('dist/src/main.js');
  });

  it('carries what the controller reads at run time: the reference data and the edge template', () => {
    const copied = copiedSources(final);
    const { file, split } = appSpecSchema.parse({ name: 'housing' }).smoke.referenceData;
    for (const needed of [file, split, 'cloudformation/edge.yaml']) {
      expect([needed, copied.some((source) => needed.startsWith(source.replace(/\/?$/, '/')))]).toEqual([needed, true]);
    }
  });

  it('copies only files that exist in the build context', () => {
    const sources = copiedSources(instructions);
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) expect([source, existsSync(join(PROJECT_ROOT, source))]).toEqual([source, true]);
  });
});
