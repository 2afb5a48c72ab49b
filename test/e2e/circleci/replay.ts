import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../predictor/src/project-paths';
import { DEPLOY_STEPS } from '../../../scripts/circleci/check-config';
import {
  jobSteps,
  parseConfig,
  pipelineDefaults,
  runOrder,
  type Obj,
  type Step,
} from '../../../scripts/circleci/config-model';

// Runs the deploy jobs of a workflow in .circleci/config.yml as CircleCI would: jobs in requires
// order, each job's steps (commands expanded) under bash -eo pipefail, `when` honoured, and a
// failed job stopping the jobs after it. The `setup` command and other non-run steps are skipped:
// this checkout is already installed and built.

/** What the replay stands in for instead of running. */
const PROVIDED = new Set(['checkout', 'restore_cache', 'save_cache', 'attach_workspace']);

export interface PlannedJob {
  job: string;
  runs: Step[];
}

export interface StepResult {
  name: string;
  command: string;
  when: string;
  ran: boolean;
  code: number | null;
  output: string;
}

export interface JobResult {
  job: string;
  ok: boolean;
  steps: StepResult[];
}

export function deployPlan(workflow: string): PlannedJob[] {
  const config = parseConfig(readFileSync(join(PROJECT_ROOT, '.circleci/config.yml'), 'utf8'));
  const workflows = config.workflows as Obj;
  if (!(workflow in workflows)) throw new Error(`no workflow ${workflow} in config.yml`);
  return runOrder(workflows[workflow])
    .filter((e) => e.args.type !== 'approval' && e.name in DEPLOY_STEPS)
    .map((e) => {
      const steps = jobSteps(config, e.job, e.args, pipelineDefaults(config));
      const unknown = steps.filter((s) => s.type !== 'run' && !PROVIDED.has(s.type));
      if (unknown.length > 0) throw new Error(`${e.name}: cannot replay ${unknown.map((s) => s.type).join(', ')}`);
      return { job: e.name, runs: steps.filter((s) => s.type === 'run' && !s.via.includes('setup')) };
    });
}

export async function replay(plan: PlannedJob[], env: Record<string, string>): Promise<JobResult[]> {
  const results: JobResult[] = [];
  for (const { job, runs } of plan) {
    let ok = true;
    const steps: StepResult[] = [];
    for (const run of runs) {
      const when = String(run.args.when ?? 'on_success');
      const command = String(run.args.command);
      const name = String(run.args.name ?? command.split('\n')[0]);
      const due = when === 'always' || (when === 'on_fail') === !ok;
      if (!due) {
        steps.push({ name, command, when, ran: false, code: null, output: '' });
        continue;
      }
      const stepEnv = { ...env, CIRCLE_JOB: job, ...((run.args.environment ?? {}) as Record<string, string>) };
      const { code, output } = await bash(command, stepEnv);
      steps.push({ name, command, when, ran: true, code, output });
      if (code !== 0) ok = false;
    }
    results.push({ job, ok, steps });
    if (!ok) break; // CircleCI does not start the jobs that require a failed one.
  }
  return results;
}

function bash(command: string, env: Record<string, string>, timeoutMs = 120_000) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('bash', ['-eo', 'pipefail', '-c', command], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** One line per step, for a failing test's message. */
export const describeResults = (results: JobResult[]) =>
  results
    .flatMap((j) => j.steps.map((s) => `${j.job} | ${s.name} | ${s.ran ? `exit ${s.code}` : 'skipped'}\n${s.output}`))
    .join('\n');
