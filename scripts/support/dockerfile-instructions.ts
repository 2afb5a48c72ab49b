import { readFileSync } from 'node:fs';

/** A Dockerfile's instructions, one per entry: continuation lines joined, comments and blanks dropped. */
export function readDockerfileInstructions(path: string): string[] {
  return readFileSync(path, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** The build-context paths COPY instructions read (not those copied from another stage). */
export function copiedSources(instructions: string[]): string[] {
  return instructions
    .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
    .flatMap((l) => l.split(/\s+/).slice(1, -1));
}

/** The instructions of the last stage, where the runtime image is made. */
export function finalStage(instructions: string[]): string[] {
  const stages = instructions.filter((l) => l.startsWith('FROM '));
  return instructions.slice(instructions.lastIndexOf(stages[stages.length - 1]));
}
