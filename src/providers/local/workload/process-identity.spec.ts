import {
  decideIdentity,
  inspectProcess,
  isDeadState,
  parseCmdline,
  parseStatState,
  workloadMarker,
} from './process-identity';

const marker = workloadMarker('housing-abc1234');
const cmdline = (...args: string[]) => args.join('\0') + '\0';
const stat = (comm: string, state: string) => `4242 (${comm}) ${state} 1 4242 4242 0 -1 4194560 120 0 0 0`;

describe('process identity', () => {
  it('splits a NUL-separated command line', () => {
    expect(parseCmdline(cmdline('/usr/bin/node', 'main.js', marker))).toEqual(['/usr/bin/node', 'main.js', marker]);
    expect(parseCmdline('')).toEqual([]);
  });

  it('reads the state after the last parenthesis, whatever the command name holds', () => {
    expect(parseStatState(stat('node', 'S'))).toBe('S');
    expect(parseStatState(stat('odd) name (Z', 'R'))).toBe('R');
    expect(parseStatState('garbage')).toBeUndefined();
  });

  it('counts zombies and dying tasks as dead', () => {
    expect(isDeadState('Z')).toBe(true);
    expect(isDeadState('X')).toBe(true);
    expect(isDeadState(undefined)).toBe(true);
    expect(isDeadState('S')).toBe(false);
    expect(isDeadState('D')).toBe(false);
  });

  it('is ours only when alive and carrying the exact marker', () => {
    expect(decideIdentity(stat('node', 'S'), cmdline('node', 'main.js', marker), marker)).toBe('ours');
    expect(decideIdentity(stat('node', 'Z'), cmdline('node', 'main.js', marker), marker)).toBe('gone');
    expect(decideIdentity(undefined, undefined, marker)).toBe('gone');
    expect(decideIdentity(stat('node', 'S'), cmdline('node', 'jest'), marker)).toBe('foreign');
    // Another release whose name merely starts with ours is not ours.
    expect(decideIdentity(stat('node', 'S'), cmdline('node', `${marker}-2`), marker)).toBe('foreign');
  });

  it('never treats a missing, init or invalid pid as live', async () => {
    await expect(inspectProcess(null, 'x')).resolves.toBe('gone');
    await expect(inspectProcess(1, 'x')).resolves.toBe('gone');
    await expect(inspectProcess(0, 'x')).resolves.toBe('gone');
    await expect(inspectProcess(-5, 'x')).resolves.toBe('gone');
  });
});
