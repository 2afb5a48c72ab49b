import { isObj, jobSteps, pipelineDefaults, workflowJobs, type Obj, type Step, type WorkflowJob } from './config-model';
import { list, map, type Report } from './shape-checks';

// This repository's rules on top of the shapes: the deploy order, main-only deploy jobs with a
// context, `cutover step` and an on_fail abort in each, no literal secrets, nothing that deletes
// the edge stack, no mutable image tags.

/** Deploy job (workflow name) → the controller step it runs. */
export const DEPLOY_STEPS = {
  'provision-green': 'provision',
  'deploy-green': 'deploy',
  'smoke-test-green': 'smoke-test',
  promote: 'promote',
  cleanup: 'cleanup',
} as const;
export const HOLD_JOB = 'hold-promote';
export const DEPLOY_ORDER = ['test', 'build-image', ...Object.keys(DEPLOY_STEPS)];
const MAIN_ONLY = ['build-image', HOLD_JOB, ...Object.keys(DEPLOY_STEPS)];
const SHORT_SHA = /"?\$\{CIRCLE_SHA1:0:7\}"?/.source;
const CLI = /(?:node\s+bin\/cutover\.js|\bcutover)/.source;

const SECRET_FORMATS: [RegExp, string][] = [
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/aws_secret_access_key\s*[:=]\s*['"]?[A-Za-z0-9/+=]{40}/i, 'an AWS secret access key'],
  [/\bgh[pousr]_[A-Za-z0-9]{36}\b/, 'a GitHub token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\bBearer\s+(?!\$)[A-Za-z0-9._~+/-]{16,}/, 'a literal bearer token'],
  [/--token[ =](?!["']?\$)\S{8,}/, 'a literal --token'],
];
const SECRET_NAME = /TOKEN|SECRET|PASSW(OR)?D|CREDENTIAL|API_?KEY|ACCESS_KEY|PRIVATE_KEY/i;
/** What every `cutover step` call must carry: the release is the short sha, its image is tagged with it. */
const STEP_FLAGS: [string, string][] = [
  ['--app housing', '--app housing'],
  [`--release ${SHORT_SHA}`, '--release ${CIRCLE_SHA1:0:7}'],
  ['--artifact \\S', '--artifact <image>'],
  [':\\$\\{CIRCLE_SHA1:0:7\\}', 'an image tagged :${CIRCLE_SHA1:0:7}'],
  ['--commit "?\\$\\{?CIRCLE_SHA1\\b', '--commit $CIRCLE_SHA1'],
];
const FORBIDDEN: [RegExp, string][] = [
  [/delete[-_ ]?stack/i, 'nothing may delete the edge stack'],
  [/:latest\b/, 'a mutable "latest" tag: tag images with the commit sha'],
  [
    /\bnpx\s+(?:--\s+)?cutover\b/,
    'npx cutover fetches the registry package named cutover outside the project: use node bin/cutover.js',
  ],
];

/** The deploy workflows: order, branch filters, contexts, and exactly one of them per pipeline. */
export function checkDeployment(config: Obj, report: Report): void {
  const deploying = Object.entries(map(config.workflows)).filter(([, wf]) =>
    workflowJobs(wf).some((e) => MAIN_ONLY.includes(e.name)),
  );
  if (deploying.length === 0) report('workflows', `no workflow deploys (expected ${DEPLOY_ORDER.join(' → ')})`);
  for (const [name, wf] of deploying) {
    const where = `workflows.${name}`;
    const entries = new Map(workflowJobs(wf).map((e) => [e.name, e]));
    const order = [...DEPLOY_ORDER];
    if (entries.has(HOLD_JOB)) order.splice(order.indexOf('promote'), 0, HOLD_JOB);
    const expected = order.join(' → ');
    order.forEach((job, i) => {
      const e = entries.get(job);
      if (!e) return report(where, `has no job ${job} (the deploy order is ${expected})`);
      const want = i === 0 ? [] : [order[i - 1]];
      if (e.requires.join() !== want.join())
        report(
          `${where} job ${job}`,
          `requires [${e.requires.join(', ')}], expected [${want.join(', ')}] (the deploy order is ${expected})`,
        );
      if (MAIN_ONLY.includes(job)) checkMainOnly(`${where} job ${job}`, e, report);
      if (job in JOB_MUST_RUN) checkRuns(config, `${where} job ${job}`, e, JOB_MUST_RUN[job], report);
      if (job in DEPLOY_STEPS) {
        if (list(e.args.context).length === 0)
          report(`${where} job ${job}`, 'needs a context (CUTOVER_URL, CUTOVER_TOKEN)');
        if (isObj(config.jobs) && isObj(config.jobs[e.job])) checkDeployJob(config, `${where} job ${job}`, e, report);
      }
    });
    const hold = entries.get(HOLD_JOB);
    if (hold && hold.args.type !== 'approval') report(`${where} job ${HOLD_JOB}`, 'must be type: approval');
  }
  if (deploying.length > 1) checkExclusive(deploying, report);
}

function checkMainOnly(where: string, e: WorkflowJob, report: Report): void {
  const branches = map(map(e.args.filters).branches);
  if (list(branches.only).join() !== 'main' || 'ignore' in branches)
    report(where, 'must be filtered to branch main only (filters: branches: only: main)');
}

/** What test and build-image must do, as patterns over their expanded steps' commands (and step types). */
const JOB_MUST_RUN: Record<string, [RegExp, string][]> = {
  test: [
    [/^npm ci\b/m, 'npm ci'],
    [/^npm test\b/m, 'npm test'],
  ],
  'build-image': [
    [/^setup_remote_docker$/m, 'setup_remote_docker'],
    [
      /docker build\b.*-f predictor\/Dockerfile.* \.$/m,
      'docker build -f predictor/Dockerfile … . (from the repository root)',
    ],
    [/\$\{CIRCLE_SHA1:0:7\}/, 'a tag with the short commit sha'],
    [/^\s*docker push\b/m, 'docker push'],
  ],
};

function checkRuns(config: Obj, where: string, e: WorkflowJob, musts: [RegExp, string][], report: Report): void {
  let text: string;
  try {
    const steps = jobSteps(config, e.job, e.args, pipelineDefaults(config));
    text = steps.map((s) => (s.type === 'run' ? String(s.args.command) : s.type)).join('\n');
  } catch (err) {
    return report(where, `cannot expand its steps: ${(err as Error).message}`);
  }
  for (const [pattern, what] of musts) if (!pattern.test(text)) report(where, `does not run ${what}`);
}

/** Two workflows that both deploy must never run in the same pipeline: when/unless on one boolean parameter. */
function checkExclusive(deploying: [string, unknown][], report: Report): void {
  const conditions = deploying.map(([name, wf]) => {
    const w = map(wf);
    const key = 'when' in w ? 'when' : 'unless' in w ? 'unless' : undefined;
    return { name, key, param: key ? String(w[key]).trim() : '' };
  });
  const [a, b] = conditions;
  const exclusive =
    conditions.length === 2 && a.key && b.key && a.key !== b.key && a.param === b.param && /^<</.test(a.param);
  if (!exclusive)
    report(
      'workflows',
      `${conditions.map((c) => c.name).join(' and ')} all deploy: make exactly one run per pipeline (when: and unless: on the same pipeline parameter)`,
    );
}

/** Each deploy job runs `cutover step <its step>` for the short-sha release and ends with an on_fail abort. */
function checkDeployJob(config: Obj, where: string, e: WorkflowJob, report: Report): void {
  let steps: Step[];
  try {
    steps = jobSteps(config, e.job, e.args, pipelineDefaults(config));
  } catch (err) {
    return report(where, `cannot expand its steps: ${(err as Error).message}`);
  }
  const step = DEPLOY_STEPS[e.name as keyof typeof DEPLOY_STEPS];
  const runs = steps.filter((s) => s.type === 'run').map((s) => ({ ...s, command: String(s.args.command ?? '') }));
  const stepRun = new RegExp(`${CLI}\\s+step\\s+${step}\\s`);
  const call = runs.find((r) => stepRun.test(r.command));
  if (!call) report(where, `no run calls \`cutover step ${step}\``);
  else
    for (const [pattern, flag] of STEP_FLAGS)
      if (!new RegExp(pattern).test(call.command)) report(where, `cutover step ${step} lacks ${flag}`);
  const last = steps.at(-1);
  const abort = new RegExp(`${CLI}\\s+abort\\s+--app housing\\s+--release ${SHORT_SHA}`);
  if (!last || last.type !== 'run' || last.args.when !== 'on_fail' || !abort.test(String(last.args.command)))
    report(
      where,
      `the last step must be a run with when: on_fail that runs cutover abort --app housing --release \${CIRCLE_SHA1:0:7}`,
    );
}

/** Literal secrets in any environment map: they belong in a context. */
export function checkEnvironments(value: unknown, where: string, report: Report): void {
  if (Array.isArray(value)) return value.forEach((v, i) => checkEnvironments(v, `${where}[${i}]`, report));
  if (!isObj(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const at = where ? `${where}.${key}` : key;
    if (key === 'environment' && isObj(v))
      for (const [name, literal] of Object.entries(v))
        if (SECRET_NAME.test(name) && literal !== '' && !/^\s*(\$|<<)/.test(String(literal)))
          report(at, `${name} is a literal: secrets come from a context`);
    checkEnvironments(v, at, report);
  }
}

export function checkText(text: string, report: Report): void {
  const lineOf = (i: number) => text.slice(0, i).split('\n').length;
  for (const [pattern, what] of SECRET_FORMATS) {
    const m = pattern.exec(text);
    if (m) report(`line ${lineOf(m.index)}`, `looks like ${what}: secrets come from a context`);
  }
  for (const [pattern, what] of FORBIDDEN) {
    const m = pattern.exec(text);
    if (m) report(`line ${lineOf(m.index)}`, `"${m[0]}": ${what}`);
  }
}
