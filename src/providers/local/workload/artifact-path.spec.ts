import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPathInside, resolveArtifact } from './artifact-path';

describe('isPathInside', () => {
  it('accepts paths strictly below the directory', () => {
    expect(isPathInside('/srv/models/v1.json', '/srv/models')).toBe(true);
    expect(isPathInside('/srv/models/a/b.json', '/srv/models')).toBe(true);
  });

  it('refuses the directory itself, siblings sharing a prefix and parents', () => {
    expect(isPathInside('/srv/models', '/srv/models')).toBe(false);
    expect(isPathInside('/srv/models-old/v1.json', '/srv/models')).toBe(false);
    expect(isPathInside('/srv/..models', '/srv/models')).toBe(false);
    expect(isPathInside('/etc/passwd', '/srv/models')).toBe(false);
  });
});

describe('resolveArtifact', () => {
  let root: string;
  let allowed: string;
  let outside: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'artifact-path-'));
    allowed = join(root, 'allowed');
    outside = join(root, 'outside');
    mkdirSync(join(allowed, 'sub'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(allowed, 'v1.json'), '{}');
    writeFileSync(join(outside, 'secret.json'), '{}');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('returns the real path of a file inside an allowed directory', async () => {
    await expect(resolveArtifact(join(allowed, 'sub', '..', 'v1.json'), [allowed])).resolves.toEqual({
      ok: true,
      path: join(allowed, 'v1.json'),
    });
  });

  it('refuses a .. escape', async () => {
    const result = await resolveArtifact(join(allowed, '..', 'outside', 'secret.json'), [allowed]);
    expect(result).toEqual({ ok: false, problem: expect.stringContaining('outside the allowed artifact directories') });
  });

  it('refuses a symlink inside that points outside', async () => {
    symlinkSync(join(outside, 'secret.json'), join(allowed, 'link.json'));
    const result = await resolveArtifact(join(allowed, 'link.json'), [allowed]);
    expect(result).toEqual({
      ok: false,
      problem: expect.stringContaining(`resolves to ${join(outside, 'secret.json')}`),
    });
  });

  it('refuses missing files, directories and an empty path', async () => {
    expect(await resolveArtifact(join(allowed, 'nope.json'), [allowed])).toMatchObject({ ok: false });
    expect(await resolveArtifact(join(allowed, 'sub'), [allowed])).toEqual({
      ok: false,
      problem: expect.stringContaining('not a regular file'),
    });
    expect(await resolveArtifact(' ', [allowed])).toEqual({ ok: false, problem: 'model artifact path is empty' });
  });

  it('refuses everything when no directory is allowed', async () => {
    expect(await resolveArtifact(join(allowed, 'v1.json'), [])).toEqual({
      ok: false,
      problem: expect.stringContaining('(none configured)'),
    });
  });
});
