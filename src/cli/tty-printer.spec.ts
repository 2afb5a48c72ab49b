import type { DeploymentView } from './api-types';
import { DeploymentProgress } from './deployment-progress';
import { SUCCEEDING } from './progress.fixtures';
import { truncate, TtyPrinter } from './tty-printer';

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');
const stripAnsi = (s: string) => s.replace(ANSI, '');

describe('TtyPrinter', () => {
  it('redraws the step list in place and ends with the summary below it', () => {
    const writes: string[] = [];
    const printer = new TtyPrinter({ write: (s: string) => writes.push(s), columns: 80 }, false, () =>
      Date.parse('2026-01-01T00:00:08Z'),
    );
    const progress = new DeploymentProgress();
    printer.begin({
      id: 'd1',
      app: 'housing',
      release: 'v2',
      blue: null,
      kind: 'deploy',
      phase: 'Pending',
    } as DeploymentView);
    for (const e of SUCCEEDING.slice(0, 5)) {
      const change = progress.apply(e);
      if (change) printer.update(change, progress);
    }
    printer.end({ ok: true, text: 'Succeeded' });
    // Every redraw after the first moves up over the previous drawing and clears it.
    expect(writes[0]).not.toContain('\x1b[');
    expect(writes[1]?.startsWith('\x1b[1F\x1b[0J')).toBe(true);
    const last = writes[writes.length - 2] ?? '';
    expect(last).toContain('✓ provision         0.1s  nothing to do');
    expect(last).toMatch(/deploy\s+7\.7s/);
    expect(writes[writes.length - 1]).toBe('✓ Succeeded\n');
    for (const w of writes) for (const line of w.split('\n')) expect(stripAnsi(line).length).toBeLessThan(80);
  });

  it('cuts lines to the terminal width without breaking colour codes', () => {
    expect(truncate('\x1b[32mabcdef\x1b[0m', 3)).toBe('\x1b[32mabc\x1b[0m');
    expect(truncate('abc', 10)).toBe('abc');
  });
});
