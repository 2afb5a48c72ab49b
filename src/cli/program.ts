import { Command } from 'commander';
import { registerAbort } from './commands/abort';
import { registerDeploy } from './commands/deploy';
import { registerEdgeCreate } from './commands/edge-create';
import { registerHistory } from './commands/history';
import { registerPromote } from './commands/promote';
import { registerReleases } from './commands/releases';
import { registerRollback } from './commands/rollback';
import { registerStatus } from './commands/status';
import { registerStep } from './commands/step';
import { registerWatch } from './commands/watch';
import { CommandContext, type CliIo } from './context';
import { DEFAULT_URL } from './cli-config';

/** The `cutover` command line: global options and every command, wired to one context. */
export function buildProgram(io: CliIo): { program: Command; ctx: CommandContext } {
  const program = new Command('cutover');
  const ctx = new CommandContext(io, program);
  program
    .description('Blue-green deployments of ML prediction APIs: a client of the cutover controller')
    .option('--url <url>', `the controller (env CUTOVER_URL, default ${DEFAULT_URL})`)
    .option(
      '--token <token>',
      'bearer token (env CUTOVER_TOKEN; for a controller on this machine, read from .cutover/tokens.json)',
    )
    .option('--json', "print the API's JSON instead of text")
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .showSuggestionAfterError()
    .showHelpAfterError('(run cutover --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 success; 1 the deployment failed, was aborted or rolled back; 2 usage, connection or API error.',
    );
  for (const register of [
    registerDeploy,
    registerStep,
    registerStatus,
    registerHistory,
    registerWatch,
    registerPromote,
    registerAbort,
    registerRollback,
    registerReleases,
    registerEdgeCreate,
  ])
    register(program, ctx);
  return { program, ctx };
}
