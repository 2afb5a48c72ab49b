import type { Command } from 'commander';
import type { DeploymentView } from '../api-types';
import type { CommandContext } from '../context';
import { EXIT } from '../exit-codes';
import { formatDuration, oneLine, table } from '../format';
import { checkApp, parseLimit } from '../validate';
import { durationMs } from '../deployment-progress';

interface HistoryOptions {
  app: string;
  limit?: string;
  cursor?: string;
}

export function registerHistory(program: Command, ctx: CommandContext): void {
  program
    .command('history')
    .description("an app's deployments, newest first")
    .requiredOption('--app <app>', 'the app')
    .option('--limit <n>', 'how many (1-100, default 20)')
    .option('--cursor <cursor>', 'the next page, from a previous answer')
    .action(ctx.action((o: HistoryOptions) => history(ctx, o)));
}

async function history(ctx: CommandContext, o: HistoryOptions): Promise<number> {
  checkApp(o.app);
  const limit = o.limit === undefined ? undefined : parseLimit(o.limit);
  const page = await ctx.client('viewer').history(o.app, limit, o.cursor);
  if (ctx.json) {
    ctx.printJson(page);
    return EXIT.ok;
  }
  if (page.items.length === 0) ctx.print(`app ${o.app} has no deployments yet`);
  else ctx.print(table([['ID', 'RELEASE', 'KIND', 'PHASE', 'CREATED', 'TOOK', 'REASON'], ...page.items.map(row)]));
  if (page.nextCursor) ctx.print(`more: cutover history --app ${o.app} --cursor ${page.nextCursor}`);
  return EXIT.ok;
}

function row(d: DeploymentView): string[] {
  const took = d.finishedAt ? formatDuration(durationMs(d.createdAt, d.finishedAt)) : '-';
  return [d.id, d.release, d.kind, d.phase, d.createdAt, took, d.outcome ? oneLine(d.outcome.reason, 80) : ''];
}
