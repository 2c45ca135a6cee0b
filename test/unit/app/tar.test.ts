import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packDirectory } from '../../../src/app/pack.js';

const dir = mkdtempSync(path.join(tmpdir(), 'pr-env-tar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LONG = `${'deeply-nested-folder/'.repeat(6)}${'a-file-name-that-is-long'.repeat(3)}.js`;

function site(name: string): string {
  const root = path.join(dir, name);
  mkdirSync(path.join(root, path.dirname(LONG)), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<h1>hi</h1>');
  writeFileSync(path.join(root, 'start'), '#!/bin/sh\nexec python3 -m http.server "$PORT"\n');
  chmodSync(path.join(root, 'start'), 0o755);
  writeFileSync(path.join(root, LONG), 'x'.repeat(1_000));
  return root;
}

describe('packing a directory', () => {
  it('writes a tarball GNU tar reads: long names, modes, contents', async () => {
    const out = path.join(dir, 'one.tar.gz');
    await packDirectory(site('one'), out);
    const list = spawnSync('tar', ['-tzvf', out], { encoding: 'utf8' });
    expect(list.stderr).toBe('');
    const lines = list.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/).pop())).toContain(LONG);
    expect(lines.find((l) => l.endsWith(' start'))).toMatch(/^-rwxr-xr-x 0\/0/);
    expect(lines.find((l) => l.endsWith(' index.html'))).toMatch(/^-rw-r--r-- 0\/0/);
    const extracted = path.join(dir, 'extracted');
    mkdirSync(extracted);
    expect(spawnSync('tar', ['-xzf', out, '-C', extracted]).status).toBe(0);
    expect(readFileSync(path.join(extracted, LONG), 'utf8')).toBe('x'.repeat(1_000));
  });

  it('gives the same bytes for the same files, whenever and wherever they were written', async () => {
    const [a, b] = [path.join(dir, 'a.tar.gz'), path.join(dir, 'b.tar.gz')];
    await packDirectory(site('first'), a);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await packDirectory(site('second'), b);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });

  it('refuses an empty directory', async () => {
    mkdirSync(path.join(dir, 'empty'));
    await expect(
      packDirectory(path.join(dir, 'empty'), path.join(dir, 'e.tar.gz')),
    ).rejects.toThrow('holds no file to deploy');
  });
});
