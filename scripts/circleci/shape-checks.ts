import { isObj, runOrder, stepEntry, workflowJobs, type Obj } from './config-model';

// The shapes of a CircleCI 2.1 config this repository relies on, and the references between
// them: executors, jobs, steps, commands and their parameters, workflows and their requires.

export type Report = (where: string, message: string) => void;
export const map = (v: unknown): Obj => (isObj(v) ? v : {});
export const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

const TOP_KEYS = ['version', 'setup', 'orbs', 'parameters', 'executors', 'commands', 'jobs', 'workflows'];
const JOB_KEYS = [
  ...['docker', 'machine', 'macos', 'executor', 'steps', 'parameters', 'environment', 'working_directory'],
  ...['resource_class', 'parallelism', 'shell', 'description', 'circleci_ip_ranges'],
];
const RUN_KEYS = ['command', 'name', 'shell', 'environment', 'background', 'working_directory'];
const RUN_KEYS_ALL = [...RUN_KEYS, 'no_output_timeout', 'when', 'max_auto_reruns', 'auto_rerun_delay'];
/** Built-in steps and the keys each must have. */
const BUILT_IN: Record<string, string[][]> = {
  run: [],
  checkout: [],
  setup_remote_docker: [],
  add_ssh_keys: [],
  save_cache: [['key'], ['paths']],
  restore_cache: [['key', 'keys']],
  persist_to_workspace: [['root'], ['paths']],
  attach_workspace: [['at']],
  store_artifacts: [['path']],
  store_test_results: [['path']],
};
export function checkShapes(config: Obj, report: Report): void {
  if (config.version !== 2.1 && config.version !== '2.1')
    report('version', `must be 2.1, not ${String(config.version)}`);
  for (const key of Object.keys(config)) if (!TOP_KEYS.includes(key)) report(key, 'unknown top-level key');
  checkExecutors(config, report);
  checkCommands(config, report);
  checkJobs(config, report);
  checkWorkflows(config, report);
}

function checkExecutors(config: Obj, report: Report): void {
  for (const [name, def] of Object.entries(map(config.executors))) checkRuntime(`executors.${name}`, map(def), report);
}

function checkRuntime(where: string, def: Obj, report: Report, executors?: Obj): void {
  const kinds = ['docker', 'machine', 'macos', 'executor'].filter((k) => k in def);
  if (kinds.length !== 1) report(where, `needs exactly one of executor, docker, machine, macos (has ${kinds.length})`);
  if (
    'docker' in def &&
    !(
      Array.isArray(def.docker) &&
      def.docker.length > 0 &&
      def.docker.every((d) => isObj(d) && typeof d.image === 'string')
    )
  )
    report(where, 'docker must be a non-empty list of {image}');
  if ('executor' in def && executors) {
    const name = isObj(def.executor) ? def.executor.name : def.executor;
    if (typeof name !== 'string' || !(name in executors || name.includes('/')))
      report(where, `executor ${String(name)} is not defined under executors`);
  }
}

function checkCommands(config: Obj, report: Report): void {
  for (const [name, def] of Object.entries(map(config.commands))) {
    const where = `commands.${name}`;
    if (!isObj(def)) report(where, 'must be a mapping with steps');
    else checkSteps(config, where, def.steps, def.parameters, report);
  }
}

function checkJobs(config: Obj, report: Report): void {
  const jobs = map(config.jobs);
  if (Object.keys(jobs).length === 0) report('jobs', 'no jobs defined');
  for (const [name, def] of Object.entries(jobs)) {
    const where = `jobs.${name}`;
    if (!isObj(def)) {
      report(where, 'must be a mapping');
      continue;
    }
    for (const key of Object.keys(def)) if (!JOB_KEYS.includes(key)) report(where, `unknown key ${key}`);
    checkRuntime(where, def, report, map(config.executors));
    checkSteps(config, where, def.steps, def.parameters, report);
  }
}

/** Step shapes, command invocations and parameter references of one job or command. */
function checkSteps(config: Obj, where: string, steps: unknown, params: unknown, report: Report): void {
  if (!Array.isArray(steps) || steps.length === 0) return report(where, 'steps must be a non-empty list');
  const declared = map(params);
  for (const m of JSON.stringify(steps).matchAll(/<<\s*parameters\.([\w-]+)\s*>>/g))
    if (!(m[1] in declared)) report(where, `<< parameters.${m[1]} >> is not a declared parameter`);
  steps.forEach((step, i) => checkStep(config, `${where}.steps[${i}]`, step, params, report));
}

function checkStep(config: Obj, where: string, step: unknown, params: unknown, report: Report): void {
  const entry = stepEntry(step);
  if (!entry) return report(where, `a step is a string or a mapping with one key, not ${JSON.stringify(step)}`);
  const [type, value] = entry;
  const command = map(config.commands)[type];
  const orbs = map(config.orbs);
  if (isObj(command)) return checkInvocation(where, type, command, value, report);
  if (type.includes('/') && type.split('/')[0] in orbs) return;
  if (type === 'when' || type === 'unless') {
    const v = map(value);
    if (!('condition' in v)) report(where, `${type} needs a condition`);
    return checkSteps(config, `${where}.${type}`, v.steps, params, report);
  }
  const required = BUILT_IN[type];
  if (!required) return report(where, `unknown step "${type}" (not a built-in step or a command under commands)`);
  if (type === 'run') return checkRun(where, value, report);
  if (typeof step === 'string') {
    if (required.length > 0) report(where, `${type} needs ${required.map((k) => k.join(' or ')).join(', ')}`);
    return;
  }
  const v = map(value);
  for (const keys of required) if (!keys.some((k) => k in v)) report(where, `${type} needs ${keys.join(' or ')}`);
}

function checkRun(where: string, value: unknown, report: Report): void {
  if (typeof value === 'string') {
    if (value.trim() === '') report(where, 'run has an empty command');
    return;
  }
  const v = map(value);
  if (typeof v.command !== 'string' || v.command.trim() === '') report(where, 'run needs a command');
  for (const key of Object.keys(v)) if (!RUN_KEYS_ALL.includes(key)) report(where, `run: unknown key ${key}`);
  if ('when' in v && !['always', 'on_success', 'on_fail'].includes(String(v.when)))
    report(where, `run: when must be always, on_success or on_fail, not ${String(v.when)}`);
}

function checkInvocation(where: string, name: string, command: Obj, value: unknown, report: Report): void {
  const given = map(value);
  const declared = map(command.parameters);
  for (const key of Object.keys(given))
    if (!(key in declared)) report(where, `command ${name} has no parameter ${key}`);
  for (const [key, def] of Object.entries(declared)) {
    const d = map(def);
    if (!(key in given) && !('default' in d)) report(where, `command ${name} needs parameter ${key}`);
    const v = given[key];
    const isRef = typeof v === 'string' && v.includes('<<');
    if (key in given && d.type === 'enum' && !isRef && !list(d.enum).includes(String(v)))
      report(where, `command ${name}: ${key} must be one of ${list(d.enum).join(', ')}, not ${String(v)}`);
  }
}

function checkWorkflows(config: Obj, report: Report): void {
  const workflows = Object.entries(map(config.workflows)).filter(([name]) => name !== 'version');
  if (workflows.length === 0) report('workflows', 'no workflows defined');
  const jobs = map(config.jobs);
  for (const [name, wf] of workflows) {
    const where = `workflows.${name}`;
    if (!isObj(wf) || !Array.isArray(wf.jobs) || wf.jobs.length === 0) {
      report(where, 'needs a non-empty jobs list');
      continue;
    }
    wf.jobs.forEach((raw, i) => {
      if (!stepEntry(raw)) report(`${where}.jobs[${i}]`, 'a workflow job is a job name or a mapping with one key');
    });
    const entries = workflowJobs(wf);
    const names = new Set<string>();
    for (const e of entries) {
      const at = `${where} job ${e.name}`;
      if (names.has(e.name)) report(at, 'appears twice; give one of them another name:');
      names.add(e.name);
      if (e.args.type === 'approval') continue;
      if (!isObj(jobs[e.job])) report(at, `names job "${e.job}", which is not defined under jobs`);
      if ('filters' in e.args && !isObj(e.args.filters)) report(at, 'filters must be a mapping');
    }
    for (const e of entries)
      for (const r of e.requires)
        if (!names.has(r)) report(`${where} job ${e.name}`, `requires "${r}", which is not a job in workflow ${name}`);
    try {
      runOrder(wf);
    } catch (err) {
      report(where, `requires form a ${(err as Error).message}`);
    }
  }
}
