import { CommanderError } from 'commander';
import type { CliIo } from './context';
import { EXIT, reportFailure } from './exit-codes';
import { buildProgram } from './program';

/**
 * Runs one command line and answers the exit code. Every error ends here as one line on
 * stderr: no stack trace, no token.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const { program, ctx } = buildProgram(io);
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed the problem (or the help) already.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const failure = reportFailure(err, { tokenGiven: ctx.tokenGiven });
    io.stderr.write(`${failure.message}\n`);
    return failure.exitCode;
  } finally {
    await ctx.close();
  }
}
