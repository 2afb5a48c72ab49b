import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../predictor/src/project-paths';
import { checkConfig, checkConfigText, DEPLOY_STEPS, HOLD_JOB } from '../../../scripts/circleci/check-config';
import { jobSteps, parseConfig, runOrder, workflowJobs, type Obj } from '../../../scripts/circleci/config-model';

const TEXT = readFileSync(join(PROJECT_ROOT, '.circleci/config.yml'), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests reach into the config's shape freely
type Any = any;
const fresh = (): Any => parseConfig(TEXT);
const entry = (config: Any, workflow: string, name: string): Any => {
  const raw = config.workflows[workflow].jobs.find((j: Any) => typeof j === 'object' && Object.keys(j)[0] === name);
  return raw[name];
};

describe('.circleci/config.yml', () => {
  it('passes every check', () => {
    expect(checkConfigText(TEXT)).toEqual([]);
  });

  it('deploys in the order test → build-image → provision → deploy → smoke test → [hold] → promote → cleanup', () => {
    const config = fresh();
    const order = (wf: string) => runOrder(config.workflows[wf]).map((j) => j.name);
    const chain = ['provision-green', 'deploy-green', 'smoke-test-green'];
    expect(order('deploy')).toEqual(['test', 'build-image', ...chain, 'promote', 'cleanup']);
    expect(order('deploy-with-approval')).toEqual(['test', 'build-image', ...chain, HOLD_JOB, 'promote', 'cleanup']);
    expect(entry(config, 'deploy-with-approval', HOLD_JOB).type).toBe('approval');
    // Exactly one of the two runs per pipeline, chosen by the require-approval parameter.
    expect(config.workflows.deploy.unless).toBe('<< pipeline.parameters.require-approval >>');
    expect(config.workflows['deploy-with-approval'].when).toBe('<< pipeline.parameters.require-approval >>');
  });

  it('runs `cutover step` for the short-sha release in each deploy job, then an on_fail abort', () => {
    const config = fresh();
    for (const [job, step] of Object.entries(DEPLOY_STEPS)) {
      const runs = jobSteps(config, job).filter((s) => s.type === 'run');
      expect(runs.map((r) => r.args.when ?? 'on_success')).toEqual(['on_success', 'on_success', 'on_fail']);
      expect(runs[1].args.command).toContain(
        `node bin/cutover.js step ${step} --app housing --release "\${CIRCLE_SHA1:0:7}"`,
      );
      expect(runs[1].args.command).toContain('${CUTOVER_ARTIFACT:-${ECR_REGISTRY:?');
      expect(runs[1].args.command).toContain('/cutover-predictor:${CIRCLE_SHA1:0:7}}');
      expect(runs[2].args.command).toBe('node bin/cutover.js abort --app housing --release "${CIRCLE_SHA1:0:7}"');
    }
    const contexts = workflowJobs(config.workflows.deploy).map((j) => [j.name, j.args.context]);
    expect(contexts).toEqual([
      ['test', undefined],
      ['build-image', 'aws-ecr'],
      ...Object.keys(DEPLOY_STEPS).map((j) => [j, 'cutover-production']),
    ]);
  });

  describe('reports a broken config clearly', () => {
    const cases: [string, (c: Any) => void, RegExp][] = [
      [
        'a requires naming a missing job',
        (c) => (entry(c, 'deploy', 'deploy-green').requires = ['provison-green']),
        /^workflows\.deploy job deploy-green: requires "provison-green", which is not a job in workflow deploy$/,
      ],
      [
        'a cycle',
        (c) => (entry(c, 'deploy', 'build-image').requires = ['cleanup']),
        /^workflows\.deploy: requires form a cycle: build-image → cleanup → promote → smoke-test-green → deploy-green → provision-green → build-image$/,
      ],
      [
        'a deploy job without its on_fail abort',
        (c) => c.commands['deploy-step'].steps.pop(),
        /^workflows\.deploy job promote: the last step must be a run with when: on_fail that runs cutover abort/,
      ],
      [
        'an abort that runs on success',
        (c) => delete c.commands['abort-on-fail'].steps[0].run.when,
        /job cleanup: the last step must be a run with when: on_fail/,
      ],
      [
        'a deploy job without the branch filter',
        (c) => delete entry(c, 'deploy', 'deploy-green').filters,
        /^workflows\.deploy job deploy-green: must be filtered to branch main only \(filters: branches: only: main\)$/,
      ],
      [
        'a deploy job filtered to another branch',
        (c) => (entry(c, 'deploy-with-approval', 'promote').filters = { branches: { only: ['main', 'dev'] } }),
        /^workflows\.deploy-with-approval job promote: must be filtered to branch main only/,
      ],
      [
        'a step skipped in the order',
        (c) => (entry(c, 'deploy', 'promote').requires = ['deploy-green']),
        /^workflows\.deploy job promote: requires \[deploy-green\], expected \[smoke-test-green\] \(the deploy order is test → build-image → provision-green/,
      ],
      [
        'a workflow job naming an undefined job',
        (c) => c.workflows.deploy.jobs.push('lint'),
        /^workflows\.deploy job lint: names job "lint", which is not defined under jobs$/,
      ],
      [
        'a run without a command',
        (c) => (c.jobs.test.steps[1] = { run: { name: 'tests' } }),
        /^jobs\.test\.steps\[1\]: run needs a command$/,
      ],
      [
        'an unknown step type',
        (c) => c.jobs.test.steps.push({ upload: { path: 'x' } }),
        /^jobs\.test\.steps\[3\]: unknown step "upload" \(not a built-in step or a command under commands\)$/,
      ],
      ['a job with no steps', (c) => (c.jobs.cleanup.steps = []), /^jobs\.cleanup: steps must be a non-empty list$/],
      [
        'a job with no executor',
        (c) => delete c.jobs.promote.executor,
        /^jobs\.promote: needs exactly one of executor, docker, machine, macos \(has 0\)$/,
      ],
      [
        'a command invoked with a step it does not know',
        (c) => (c.jobs['smoke-test-green'].steps[0]['deploy-step'].step = 'smoke'),
        /^jobs\.smoke-test-green\.steps\[0\]: command deploy-step: step must be one of provision, deploy, smoke-test, promote, cleanup, not smoke$/,
      ],
      [
        'an undeclared parameter reference',
        (c) => (c.commands['abort-on-fail'].steps[0].run.command += ' << parameters.app >>'),
        /^commands\.abort-on-fail: << parameters\.app >> is not a declared parameter$/,
      ],
      [
        'a literal token in an environment',
        (c) => (c.jobs.promote.environment = { CUTOVER_TOKEN: 'k'.repeat(40) }),
        /^jobs\.promote\.environment: CUTOVER_TOKEN is a literal: secrets come from a context$/,
      ],
      ['version 2', (c) => (c.version = 2), /^version: must be 2\.1, not 2$/],
      [
        'two deploy workflows in the same pipeline',
        (c) => delete c.workflows['deploy-with-approval'].when,
        /^workflows: deploy and deploy-with-approval all deploy: make exactly one run per pipeline/,
      ],
    ];
    it.each(cases)('%s', (_name, breakIt, message) => {
      const config = fresh();
      breakIt(config);
      const problems = checkConfig(config as Obj);
      expect(problems).toContainEqual(expect.stringMatching(message));
    });

    // Scanned as text, comments included: a key pasted into a comment has leaked all the same.
    it.each([
      ['an AWS access key', `AWS_ACCESS_KEY_ID=${'AKIA'}${'Q'.repeat(16)}`, /looks like an AWS access key id/],
      [
        'a literal bearer token',
        `-H "authorization: Bearer ${'abc123'.repeat(5)}"`,
        /looks like a literal bearer token/,
      ],
      ['delete-stack', 'aws cloudformation delete-stack --stack-name edge', /"delete-stack": nothing may delete/],
      ['DeleteStack', 'cloudformation:DeleteStack', /"DeleteStack": nothing may delete the edge stack/],
      ['a latest tag', 'docker push $IMAGE:latest', /":latest": a mutable "latest" tag/],
      ['npx cutover', 'npx cutover status', /npx cutover fetches the registry package named cutover/],
    ])('%s', (_name, snippet, message) => {
      const problems = checkConfigText(TEXT.replace('version: 2.1\n', `version: 2.1\n# ${snippet}\n`));
      expect(problems).toEqual([expect.stringMatching(new RegExp(`^line \\d+: .*${message.source}`))]);
    });

    it('says when the YAML does not parse', () => {
      expect(checkConfigText('version: 2.1\njobs: [\n')).toEqual([expect.stringMatching(/^config: not valid YAML: /)]);
    });
  });
});
