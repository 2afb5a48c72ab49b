import type { Command } from 'commander';
import { ApiError, NotSupportedByServer } from '../cli-errors';
import type { CommandContext } from '../context';
import { EXIT } from '../exit-codes';
import { table } from '../format';
import { checkApp } from '../validate';

export function registerReleases(program: Command, ctx: CommandContext): void {
  program
    .command('releases')
    .description("an app's releases and the artifact each names")
    .requiredOption('--app <app>', 'the app')
    .action(ctx.action((o: { app: string }) => releases(ctx, o.app)));
}

async function releases(ctx: CommandContext, app: string): Promise<number> {
  checkApp(app);
  let answer: unknown;
  try {
    answer = await ctx.client('viewer').releases(app);
  } catch (err) {
    // An unknown app is APP_NOT_FOUND; any other 404 is a controller without this route yet.
    if (err instanceof ApiError && err.status === 404 && err.code !== 'APP_NOT_FOUND')
      throw new NotSupportedByServer(
        `the server does not support this yet: GET /v1/apps/${app}/releases answered 404 (upgrade the controller)`,
      );
    throw err;
  }
  if (ctx.json) {
    ctx.printJson(answer);
    return EXIT.ok;
  }
  const items = listOf(answer);
  if (!items) ctx.printJson(answer);
  else if (items.length === 0) ctx.print(`app ${app} has no releases yet`);
  else
    ctx.print(
      table([
        ['RELEASE', 'CREATED', 'COMMIT', 'ARTIFACT'],
        ...items.map((r) => [text(r.release), text(r.createdAt), text(r.commit), text(r.artifact)]),
      ]),
    );
  return EXIT.ok;
}

function listOf(answer: unknown): Record<string, unknown>[] | undefined {
  const a = answer as { items?: unknown; releases?: unknown } | undefined;
  const list = Array.isArray(answer) ? answer : Array.isArray(a?.items) ? a.items : a?.releases;
  return Array.isArray(list) ? (list as Record<string, unknown>[]) : undefined;
}

const text = (v: unknown) => (v === undefined || v === null ? '-' : String(v));
