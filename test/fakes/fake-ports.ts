import type {
  ComputePort,
  EdgeOrigin,
  EdgePort,
  ReleaseTarget,
  StepResult,
  WorkloadPort,
  WorkloadResult,
} from '../../src/providers/ports';

export type Call = string;

/** Scripted answers: each call takes the next scripted result for its key, then the default. */
class Script {
  private readonly queued = new Map<string, StepResult[]>();
  push(key: string, ...results: StepResult[]) {
    this.queued.set(key, [...(this.queued.get(key) ?? []), ...results]);
  }
  next(key: string): StepResult | undefined {
    return this.queued.get(key)?.shift();
  }
}

/**
 * In-memory fakes of the three ports that behave like the systems they stand for: a workload
 * runs until retired, the edge serves exactly one origin. Every call is logged.
 */
export class FakeWorld {
  readonly calls: Call[] = [];
  readonly script = new Script();
  readonly running = new Map<string, string>(); // name -> endpoint
  readonly capacity = new Set<string>();
  origin: EdgeOrigin | null = null;
  private nextPort = 9000;

  readonly compute: ComputePort = {
    ensureCapacity: async (t) =>
      this.answer(`ensureCapacity ${t.name}`, () => (this.capacity.add(t.name), ok('profile active'))),
    releaseCapacity: async (t) =>
      this.answer(`releaseCapacity ${t.name}`, () => (this.capacity.delete(t.name), ok('profile deleted'))),
  };

  readonly workload: WorkloadPort = {
    ensureRunning: async (t) => {
      const scripted = this.script.next(`ensureRunning ${t.name}`);
      this.calls.push(`ensureRunning ${t.name}`);
      if (scripted) return scripted as WorkloadResult;
      if (!this.running.has(t.name)) this.running.set(t.name, `http://127.0.0.1:${this.nextPort++}`);
      return { status: 'done', message: 'ready', endpoint: this.running.get(t.name)! };
    },
    findEndpoint: async (t) => this.running.get(t.name),
    retire: async (t: ReleaseTarget) =>
      this.answer(`retire ${t.name}`, () => (this.running.delete(t.name), ok('stopped'))),
  };

  readonly edge: EdgePort = {
    publicUrl: (app) => `http://edge.${app}`,
    currentOrigin: async () => this.origin,
    routeTo: async (app, origin) =>
      this.answer(`routeTo ${app} ${origin?.release ?? 'none'}`, () => {
        this.origin = origin;
        return ok('routed');
      }),
  };

  /** Test helper: the release the edge serves (what verification would see). */
  servedRelease(): string | undefined {
    return this.origin?.release;
  }

  private answer(key: string, act: () => StepResult): StepResult {
    this.calls.push(key);
    const scripted = this.script.next(key);
    return scripted ?? act();
  }
}

const ok = (message: string): StepResult => ({ status: 'done', message });
