import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { parseConfig, type Obj } from './config-model';
import { checkDeployment, checkEnvironments, checkText } from './policy-checks';
import { checkShapes } from './shape-checks';

// Checks .circleci/config.yml offline: CircleCI publishes no schema usable here (STACK.md), so
// this checks the shapes the config uses, the references between them, and the deployment rules.
// `node dist/scripts/circleci/check-config.js [file]` prints the problems; exit 1 if any.

export { DEPLOY_ORDER, DEPLOY_STEPS, HOLD_JOB } from './policy-checks';

export function checkConfigText(text: string): string[] {
  let config: Obj;
  try {
    config = parseConfig(text);
  } catch (err) {
    return [`config: not valid YAML: ${(err as Error).message.split('\n')[0]}`];
  }
  return checkConfig(config, text);
}

/** Every problem found, each naming where it is; empty when the config is fine. */
export function checkConfig(config: Obj, text = stringify(config)): string[] {
  const problems: string[] = [];
  const report = (where: string, message: string) => problems.push(`${where}: ${message}`);
  checkShapes(config, report);
  checkDeployment(config, report);
  checkEnvironments(config, '', report);
  checkText(text, report);
  return problems;
}

if (require.main === module) {
  const file = resolve(process.argv[2] ?? '.circleci/config.yml');
  const problems = checkConfigText(readFileSync(file, 'utf8'));
  for (const p of problems) console.error(p);
  console.log(problems.length === 0 ? `${file}: ok` : `${file}: ${problems.length} problem(s)`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
