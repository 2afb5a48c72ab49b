import { CHECKPOINT_OF, STEP_NAMES, type Checkpoint, type StepName } from '../deployments/domain/deployment';
import type { ServerEvent } from './api-types';

/**
 * A deployment's progress as its event stream tells it, folded event by event (pure). Replaying
 * the stream from the start gives the same state at every point as following it live, so
 * "is it done yet?" can be decided on events alone.
 */
export type StepState = 'running' | 'waiting' | 'succeeded' | 'failed';

export interface StepProgress {
  step: string;
  attempt: number;
  state: StepState;
  /** When the first attempt of this run started (server time, ISO). */
  startedAt: string | undefined;
  endedAt: string | undefined;
  message: string;
}

/** What one event changed, for printers. */
export type ProgressChange =
  | { kind: 'created'; release: string; blue: string | null; rollback: boolean; at?: string }
  | { kind: 'step-requested'; step: string; by?: string; at?: string }
  | { kind: 'step-started'; step: StepProgress; mode: 'new' | 'continued' | 'retry'; at?: string }
  | { kind: 'step-waiting'; step: StepProgress; messageChanged: boolean; at?: string }
  | { kind: 'step-ended'; step: StepProgress; durationMs: number | undefined; at?: string }
  | { kind: 'promoted'; by?: string; at?: string }
  | { kind: 'phase'; phase: string; reason?: string; by?: string; at?: string }
  | { kind: 'finished'; phase: string; reason?: string; at?: string };

const TERMINAL = new Set(['Failed', 'Aborted', 'RolledBack']);

export class DeploymentProgress {
  readonly steps: StepProgress[] = [];
  readonly checkpoints = new Set<Checkpoint>();
  phase: string | undefined;
  outcome: { phase: string; reason: string | undefined } | undefined;
  finished = false;
  lastEventId: string | undefined;

  apply(e: ServerEvent): ProgressChange | undefined {
    if (e.id !== undefined) this.lastEventId = e.id;
    const d = e.data;
    const at = e.at;
    switch (e.type) {
      case 'created':
        return {
          kind: 'created',
          release: str(d.release) ?? '?',
          blue: str(d.blue) ?? null,
          rollback: d.rollback === true,
          at,
        };
      case 'step.requested':
        return { kind: 'step-requested', step: str(d.step) ?? '?', by: str(d.by), at };
      case 'promoted':
        return { kind: 'promoted', by: str(d.by), at };
      case 'step.started':
        return this.started(str(d.step) ?? '?', num(d.attempt) ?? 1, at);
      case 'step.finished':
        return this.ended(str(d.step) ?? '?', num(d.attempt) ?? 1, str(d.status), str(d.message) ?? '', at);
      case 'phase': {
        const phase = str(d.phase) ?? '?';
        this.phase = phase;
        const reason = str(d.reason) ?? (TERMINAL.has(phase) ? this.lastFailureMessage() : undefined);
        if (TERMINAL.has(phase) && !this.outcome) this.outcome = { phase, reason };
        return { kind: 'phase', phase, reason, by: str(d.by), at };
      }
      case 'finished': {
        const phase = str(d.phase) ?? this.phase ?? '?';
        this.phase = phase;
        this.finished = true;
        if (TERMINAL.has(phase) && !this.outcome) this.outcome = { phase, reason: str(d.reason) };
        return { kind: 'finished', phase, reason: this.outcome?.reason ?? str(d.reason), at };
      }
      default:
        return undefined;
    }
  }

  private started(step: string, attempt: number, at: string | undefined): ProgressChange {
    const current = this.current(step);
    if (current && (current.state === 'waiting' || current.state === 'running')) {
      // Another look at a step that is waiting on the cloud: the same run continues.
      current.attempt = attempt;
      current.state = 'running';
      return { kind: 'step-started', step: current, mode: 'continued', at };
    }
    if (current?.state === 'failed') {
      // An unwinding step tried again after a failure: the same run, timed from its first attempt.
      Object.assign(current, { attempt, state: 'running', endedAt: undefined });
      return { kind: 'step-started', step: current, mode: 'retry', at };
    }
    const entry: StepProgress = { step, attempt, state: 'running', startedAt: at, endedAt: undefined, message: '' };
    this.steps.push(entry);
    return { kind: 'step-started', step: entry, mode: 'new', at };
  }

  private ended(
    step: string,
    attempt: number,
    status: string | undefined,
    message: string,
    at: string | undefined,
  ): ProgressChange {
    let entry = this.current(step);
    if (!entry) {
      entry = { step, attempt, state: 'running', startedAt: undefined, endedAt: undefined, message };
      this.steps.push(entry);
    }
    const previousMessage = entry.message;
    entry.attempt = attempt;
    entry.message = message;
    // An attempt a crashed controller left behind: the step carries on, as after a wait.
    if (status === 'waiting' || status === 'interrupted') {
      entry.state = 'waiting';
      return { kind: 'step-waiting', step: entry, messageChanged: message !== previousMessage, at };
    }
    entry.state = status === 'succeeded' ? 'succeeded' : 'failed';
    entry.endedAt = at;
    if (entry.state === 'succeeded' && isStepName(step)) this.checkpoints.add(CHECKPOINT_OF[step]);
    return { kind: 'step-ended', step: entry, durationMs: durationMs(entry.startedAt, at), at };
  }

  private current(step: string): StepProgress | undefined {
    for (let i = this.steps.length - 1; i >= 0; i--) if (this.steps[i]?.step === step) return this.steps[i];
    return undefined;
  }

  private lastFailureMessage(): string | undefined {
    for (let i = this.steps.length - 1; i >= 0; i--) {
      const s = this.steps[i];
      if (s?.state === 'failed') return s.message;
    }
    return undefined;
  }
}

/** Parses one SSE event's data as the controller sends it (JSON with `at`); undefined for anything else. */
export function toServerEvent(raw: { id: string | undefined; event: string; data: string }): ServerEvent | undefined {
  let data: unknown;
  try {
    data = JSON.parse(raw.data);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const record = data as Record<string, unknown>;
  return { id: raw.id, type: raw.event, at: str(record.at), data: record };
}

export function durationMs(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

const isStepName = (s: string): s is StepName => (STEP_NAMES as readonly string[]).includes(s);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
