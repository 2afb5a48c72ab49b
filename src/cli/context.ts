import type { Command } from 'commander';
import { ApiClient } from './api-client';
import { resolveBaseUrl, type CliEnv } from './cli-config';
import type { Writer } from './format';
import { PlainPrinter } from './plain-printer';
import type { ProgressPrinter } from './progress-printer';
import { resolveToken, type Role } from './token-discovery';
import { TtyPrinter } from './tty-printer';

export interface OutputStream extends Writer {
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: CliEnv;
}

export interface GlobalOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

/** What every command needs: the global options, an API client, where and how to print. */
export class CommandContext {
  /** What the command answered; main exits with it. */
  exitCode = 0;
  /** Whether a token was found for the last client made (for the hint on 401). */
  tokenGiven: boolean | undefined;
  private readonly clients: ApiClient[] = [];

  constructor(
    readonly io: CliIo,
    private readonly program: Command,
  ) {}

  get options(): GlobalOptions {
    return this.program.opts<GlobalOptions>();
  }

  get json(): boolean {
    return this.options.json === true;
  }

  /** A client for the controller, with the token for `need` (flag, env, or the local tokens file). */
  client(need: Role): ApiClient {
    const base = resolveBaseUrl(this.options.url, this.io.env);
    const { token } = resolveToken(this.options.token, this.io.env, base, need);
    this.tokenGiven = token !== undefined;
    const client = new ApiClient(base, token);
    this.clients.push(client);
    return client;
  }

  /** Progress goes to stdout, or to stderr when stdout carries --json. Live on a terminal, plain lines otherwise. */
  printer(): ProgressPrinter {
    const stream = this.json ? this.io.stderr : this.io.stdout;
    if (stream.isTTY && !this.io.env.plainProgress) return new TtyPrinter(stream, !this.io.env.noColor);
    return new PlainPrinter(stream);
  }

  print(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  printJson(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }

  /** Wraps a command's action (which answers its exit code) for commander. */
  action<A extends unknown[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
    return async (...args: A) => {
      this.exitCode = await fn(...args);
    };
  }
}
