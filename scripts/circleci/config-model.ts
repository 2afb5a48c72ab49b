import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

// A CircleCI 2.1 config read as CircleCI reads it: pipeline and command parameters substituted,
// reusable commands expanded into the steps a job really runs, workflow jobs with their requires.
// Shared by the config check (npm test) and the workflow replay (e2e), so both read the same thing.

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses config.yml into plain data; YAML aliases become copies, so one place can change alone. */
export function parseConfig(text: string): Obj {
  const data: unknown = JSON.parse(JSON.stringify(parse(text) ?? null));
  if (!isObj(data)) throw new Error('the config is not a YAML mapping');
  return data;
}

export const readConfig = (path: string) => parseConfig(readFileSync(path, 'utf8'));

/** One step a job runs, after command expansion. */
export interface Step {
  type: string;
  args: Obj;
  /** The reusable commands it came from, outermost first (empty: written in the job itself). */
  via: string[];
}

export interface Scope {
  params: Obj;
  pipeline: Obj;
}

const REF = /<<\s*(pipeline\.)?parameters\.([\w-]+)\s*>>/g;

/** `<< parameters.x >>` and `<< pipeline.parameters.x >>`; a reference that is the whole string keeps its type. */
export function substitute(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') {
    const lookup = (pipeline: string | undefined, name: string) => {
      const table = pipeline ? scope.pipeline : scope.params;
      if (!(name in table)) throw new Error(`<< ${pipeline ?? ''}parameters.${name} >> is not declared`);
      return table[name];
    };
    const whole = /^<<\s*(pipeline\.)?parameters\.([\w-]+)\s*>>$/.exec(value.trim());
    if (whole) return lookup(whole[1], whole[2]);
    return value.replace(REF, (_m, pipeline: string | undefined, name: string) => String(lookup(pipeline, name)));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, scope));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, scope)]));
  return value;
}

/** Declared parameters with their defaults, overridden by `given`; a required one missing throws. */
export function resolveParams(declared: unknown, given: Obj, where: string): Obj {
  const out: Obj = {};
  for (const [name, def] of Object.entries(isObj(declared) ? declared : {})) {
    if (name in given) out[name] = given[name];
    else if (isObj(def) && 'default' in def) out[name] = def.default;
    else throw new Error(`${where}: parameter ${name} is required`);
  }
  return out;
}

export const pipelineDefaults = (config: Obj, overrides: Obj = {}) =>
  resolveParams(config.parameters, overrides, 'pipeline');

const commandsOf = (config: Obj): Obj => (isObj(config.commands) ? config.commands : {});

/** The single key of a step map (`run: …`), with its value. */
export function stepEntry(step: unknown): [string, unknown] | undefined {
  if (typeof step === 'string') return [step, {}];
  if (isObj(step) && Object.keys(step).length === 1) return Object.entries(step)[0];
  return undefined;
}

/** Expands `steps` in `scope`: commands inline, conditional steps by their condition, `run: "x"` as `{command: "x"}`. */
export function expandSteps(config: Obj, steps: unknown, scope: Scope, via: string[] = []): Step[] {
  if (via.length > 10) throw new Error(`commands nest too deeply: ${via.join(' > ')}`);
  const commands = commandsOf(config);
  const out: Step[] = [];
  for (const raw of Array.isArray(steps) ? steps : []) {
    const entry = stepEntry(raw);
    if (!entry) throw new Error(`not a step: ${JSON.stringify(raw)}`);
    const [type, value] = entry;
    const args = substitute(value ?? {}, scope);
    if (isObj(commands[type])) {
      const def = commands[type] as Obj;
      const params = resolveParams(def.parameters, isObj(args) ? args : {}, `command ${type}`);
      out.push(...expandSteps(config, def.steps, { params, pipeline: scope.pipeline }, [...via, type]));
    } else if ((type === 'when' || type === 'unless') && isObj(args)) {
      const truthy = ![false, 'false', '', 0, null, undefined].includes(args.condition as never);
      if (truthy === (type === 'when')) out.push(...expandSteps(config, args.steps, scope, via));
    } else {
      out.push({ type, args: typeof args === 'string' ? { command: args } : isObj(args) ? args : {}, via });
    }
  }
  return out;
}

/** What a job runs, as invoked by a workflow entry with `args`. */
export function jobSteps(config: Obj, job: string, args: Obj = {}, pipeline: Obj = pipelineDefaults(config)): Step[] {
  const def = isObj(config.jobs) ? config.jobs[job] : undefined;
  if (!isObj(def)) throw new Error(`no job ${job}`);
  const params = resolveParams(def.parameters, args, `job ${job}`);
  return expandSteps(config, def.steps, { params, pipeline });
}

/** A job as a workflow lists it. */
export interface WorkflowJob {
  /** Its name in the workflow (`name:` or the job's key). */
  name: string;
  job: string;
  args: Obj;
  requires: string[];
}

export function workflowJobs(workflow: unknown): WorkflowJob[] {
  const jobs = isObj(workflow) && Array.isArray(workflow.jobs) ? workflow.jobs : [];
  return jobs.flatMap((raw) => {
    const entry = stepEntry(raw);
    if (!entry) return [];
    const [job, value] = entry;
    const args = isObj(value) ? value : {};
    const requires = (Array.isArray(args.requires) ? args.requires : []).map((r) =>
      isObj(r) ? String(Object.keys(r)[0]) : String(r),
    );
    return [{ name: typeof args.name === 'string' ? args.name : job, job, args, requires }];
  });
}

/** Workflow jobs in an order that respects `requires` (the order CircleCI can run them); throws on a cycle. */
export function runOrder(workflow: unknown): WorkflowJob[] {
  const jobs = workflowJobs(workflow);
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const done = new Set<string>();
  const order: WorkflowJob[] = [];
  const visit = (j: WorkflowJob, path: string[]) => {
    if (done.has(j.name)) return;
    if (path.includes(j.name)) throw new Error(`cycle: ${[...path.slice(path.indexOf(j.name)), j.name].join(' → ')}`);
    for (const r of j.requires) {
      const dep = byName.get(r);
      if (dep) visit(dep, [...path, j.name]);
    }
    done.add(j.name);
    order.push(j);
  };
  for (const j of jobs) visit(j, []);
  return order;
}
