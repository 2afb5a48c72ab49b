import type { Command } from 'commander';
import type { AppStatusView } from '../api-types';
import type { CommandContext } from '../context';
import { EXIT } from '../exit-codes';
import { table } from '../format';
import { checkApp } from '../validate';

export function registerStatus(program: Command, ctx: CommandContext): void {
  program
    .command('status')
    .description('active and previous release, deployment in flight and edge, per app')
    .option('--app <app>', 'only this app')
    .action(ctx.action((o: { app?: string }) => status(ctx, o.app)));
}

async function status(ctx: CommandContext, app: string | undefined): Promise<number> {
  if (app) checkApp(app);
  const client = ctx.client('viewer');
  if (app) {
    const one = await client.getApp(app);
    if (ctx.json) ctx.printJson(one);
    else ctx.print(formatStatus(one));
  } else {
    const all = await client.listApps();
    if (ctx.json) ctx.printJson(all);
    else ctx.print(all.apps.map(formatStatus).join('\n\n') || 'no apps');
  }
  return EXIT.ok;
}

export function formatStatus(s: AppStatusView): string {
  const ref = (r: { release: string; artifact: string } | null) => (r ? `${r.release}  (${r.artifact})` : 'none');
  const inFlight = s.inFlight ? `${s.inFlight.id}  release ${s.inFlight.release}, ${s.inFlight.phase}` : 'none';
  const origin = s.edge.origin ? `release ${s.edge.origin.release} at ${s.edge.origin.endpoint}` : 'no origin';
  return [
    `app ${s.app}`,
    table([
      ['  active', ref(s.active)],
      ['  previous', ref(s.previous)],
      ['  in flight', inFlight],
      ['  edge', `${s.edge.url} -> ${origin}`],
    ]),
  ].join('\n');
}
