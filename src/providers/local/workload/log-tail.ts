import { open } from 'node:fs/promises';

const TAIL_BYTES = 8_192;
const MAX_LINE = 300;

/** The last thing a process logged, pino's `msg` when the line is JSON, to explain a crash. */
export function summariseLastLine(text: string): string | undefined {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('--- '))
    .pop();
  if (line === undefined) return undefined;
  let summary = line;
  try {
    const parsed = JSON.parse(line) as { msg?: unknown };
    if (typeof parsed?.msg === 'string') summary = parsed.msg;
  } catch {
    // Not JSON: the predictor's own stderr lines are plain text.
  }
  return summary.length > MAX_LINE ? `${summary.slice(0, MAX_LINE)}…` : summary;
}

export async function readLastLogLine(path: string): Promise<string | undefined> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const { size } = await file.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await file.read(buffer, 0, length, size - length);
    return summariseLastLine(buffer.toString('utf8'));
  } finally {
    await file.close();
  }
}
