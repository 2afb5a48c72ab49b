import { percentile, type LoadSample } from '../support/load';
import type { DeploymentEvent, DeploymentRecord } from './controller';

// Reading a finished deployment and the load samples around its flip: the flip's timings,
// each step's duration, and latency by window of send time. Step timings come from the event
// log: the record itself keeps only the latest waiting attempts of long steps.

export interface FlipTimes {
  promoteStart: number;
  flipped: number;
  verified: number;
}

export interface StepTiming {
  step: string;
  /** First attempt's start to the attempt that succeeded (or the last one), in ms. */
  wallMs: number;
  attempts: number;
}

const ms = (iso: string | undefined, what: string): number => {
  const t = iso === undefined ? NaN : Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`the deployment has no ${what}`);
  return t;
};

export function stepTimings(events: DeploymentEvent[]): StepTiming[] {
  const steps = new Map<string, { start: number; end: number; attempts: number; done: boolean }>();
  for (const e of events) {
    const step = String(e.data.step);
    const s = steps.get(step);
    if (e.type === 'step.started') {
      if (s) s.attempts += 1;
      else steps.set(step, { start: Date.parse(e.at), end: NaN, attempts: 1, done: false });
    } else if (e.type === 'step.finished' && s && !s.done) {
      s.end = Date.parse(e.at);
      s.done = e.data.status === 'succeeded';
    }
  }
  return [...steps].map(([step, s]) => ({ step, wallMs: s.end - s.start, attempts: s.attempts }));
}

/** Promote's first start (event log), then the edgeFlipped and edgeVerified checkpoints. */
export function flipTimes(d: DeploymentRecord, events: DeploymentEvent[]): FlipTimes {
  const promote = events.find((e) => e.type === 'step.started' && e.data.step === 'promote');
  return {
    promoteStart: ms(promote?.at, 'promote step'),
    flipped: ms(d.checkpoints.edgeFlipped, 'edgeFlipped checkpoint'),
    verified: ms(d.checkpoints.edgeVerified, 'edgeVerified checkpoint'),
  };
}

export interface Window {
  name: string;
  from: number;
  to: number;
}

const num = (v: number, digits = 2, width = 8) => (Number.isFinite(v) ? v.toFixed(digits) : '-').padStart(width);

/** One row per window: span, requests sent in it, failed, who answered, p50/p99/max latency. */
export function windowTable(samples: LoadSample[], windows: Window[], releases: string[]): string[] {
  const head = [
    'window (by send time)'.padEnd(44),
    'span s'.padStart(6),
    'sent'.padStart(6),
    'failed'.padStart(6),
    ...releases.map((r) => r.padStart(6)),
    '   p50 ms   p99 ms   max ms',
  ].join(' ');
  const rows = windows.map((w) => {
    const inside = samples.filter((s) => s.at >= w.from && s.at < w.to);
    const latencies = inside.filter((s) => s.ok).map((s) => s.ms);
    return [
      w.name.padEnd(44),
      num((w.to - w.from) / 1000, 1, 6),
      String(inside.length).padStart(6),
      String(inside.filter((s) => !s.ok).length).padStart(6),
      ...releases.map((r) => String(inside.filter((s) => s.ok && s.release === r).length).padStart(6)),
      ` ${num(percentile(latencies, 50))} ${num(percentile(latencies, 99))} ${num(Math.max(...latencies))}`,
    ].join(' ');
  });
  return [head, ...rows];
}
