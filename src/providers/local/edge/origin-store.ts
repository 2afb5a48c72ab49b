import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { removeOrphanedTempFiles, writeFileAtomic } from './atomic-file';
import { EMPTY_STATE, originSchema, sameOrigin, type Origin, type OriginState } from './origin';

const persistedSchema = z.object({
  version: z.literal(1),
  origin: originSchema.nullable(),
  generation: z.number().int().min(0),
  updatedAt: z.string().nullable(),
});

export class StateFileError extends Error {}

export class GenerationMismatchError extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`origin is at generation ${actual}, not ${expected}`);
  }
}

export interface OriginChange {
  previous: OriginState;
  state: OriginState;
  /** False when the origin asked for was already being served: nothing was written. */
  changed: boolean;
}

/**
 * The origin the edge serves, kept in memory for the hot path and on disk so the edge comes
 * back on the same release after a crash. Writes are serialised and persisted before the
 * in-memory switch, so the edge never serves an origin it would forget on restart.
 */
export class OriginStore {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly path: string,
    private state: OriginState,
    private readonly now: () => Date,
  ) {}

  static async open(path: string, now: () => Date = () => new Date()): Promise<OriginStore> {
    await removeOrphanedTempFiles(path);
    return new OriginStore(path, await readState(path), now);
  }

  current(): OriginState {
    return this.state;
  }

  set(origin: Origin, ifGeneration?: number): Promise<OriginChange> {
    const run = this.tail.then(() => this.apply(origin, ifGeneration));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async apply(origin: Origin, ifGeneration: number | undefined): Promise<OriginChange> {
    const previous = this.state;
    if (ifGeneration !== undefined && ifGeneration !== previous.generation) {
      throw new GenerationMismatchError(ifGeneration, previous.generation);
    }
    // A retried flip must not count as another one.
    if (sameOrigin(previous.origin, origin)) return { previous, state: previous, changed: false };
    const state: OriginState = Object.freeze({
      origin: Object.freeze({ url: origin.url, release: origin.release }),
      generation: previous.generation + 1,
      updatedAt: this.now().toISOString(),
    });
    await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, ...state }, null, 2)}\n`);
    this.state = state;
    return { previous, state, changed: true };
  }
}

async function readState(path: string): Promise<OriginState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_STATE;
    throw new StateFileError(`cannot read state file ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StateFileError(`state file ${path} is not JSON (${(err as Error).message}); fix or remove it`);
  }
  const parsed = persistedSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new StateFileError(`state file ${path} is invalid (${problems}); fix or remove it`);
  }
  const { origin, generation, updatedAt } = parsed.data;
  return Object.freeze({ origin: origin && Object.freeze(origin), generation, updatedAt });
}
