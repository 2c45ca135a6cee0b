import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { packZip } from '../../../src/app/pack.js';
import { openZip } from '../../../src/app/zip.js';
import {
  ArtifactRefusedError,
  checkZipEntries,
  entryProblem,
  soleTarball,
} from '../../../src/app/zip-checks.js';
import { makeZip, type ZipInput } from '../../helpers/zip.js';

const dir = mkdtempSync(path.join(tmpdir(), 'pr-env-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;

/** The entries as yauzl reads them from a real zip file. */
async function entriesOf(inputs: ZipInput[]) {
  const file = path.join(dir, `${++count}.zip`);
  writeFileSync(file, makeZip(inputs));
  const archive = await openZip(file);
  return { archive, entries: archive.entries };
}

async function refusal(inputs: ZipInput[], maxBytes = 1_000_000): Promise<string> {
  const { archive, entries } = await entriesOf(inputs);
  archive.close();
  try {
    checkZipEntries('artifact "web" of run 7', entries, maxBytes);
  } catch (error) {
    expect(error).toBeInstanceOf(ArtifactRefusedError);
    return (error as Error).message;
  }
  return '';
}

describe('zip checks', () => {
  it('accept files and folders inside the folder they land in', async () => {
    expect(
      await refusal([
        { name: 'index.html', data: 'hi' },
        { name: 'static/', mode: 0o040755 },
        { name: 'static/a.js', data: 'x', deflate: true },
        { name: 'start', data: '#!/bin/sh', mode: 0o100755 },
      ]),
    ).toBe('');
  });

  it('refuse zip-slip: an entry that climbs out with ..', async () => {
    for (const name of ['../evil', 'a/../../evil', '..']) {
      expect(await refusal([{ name, data: 'x' }]), name).toBe(
        `Refused artifact "web" of run 7: "${name}" escapes the folder it is extracted to (..). Nothing was deployed.`,
      );
    }
    // A name that merely contains two dots is a name.
    expect(await refusal([{ name: 'a..b/c...txt', data: 'x' }])).toBe('');
  });

  it('refuse absolute paths, Windows ones and backslashes included', async () => {
    expect(await refusal([{ name: '/etc/cron.d/x', data: 'x' }])).toContain(
      '"/etc/cron.d/x" is an absolute path',
    );
    expect(await refusal([{ name: 'C:/Windows/x', data: 'x' }])).toContain('is an absolute path');
    expect(await refusal([{ name: '..\\..\\x', data: 'x' }])).toContain('has a backslash');
  });

  it('refuse symbolic links and other special files', async () => {
    expect(await refusal([{ name: 'link', data: '/etc/passwd', mode: 0o120777 }])).toContain(
      '"link" is a symbolic link',
    );
    expect(await refusal([{ name: 'fifo', data: '', mode: 0o010644 }])).toContain(
      'is not a regular file or folder',
    );
  });

  it('refuse an archive that extracts to more than the cap, however small it is zipped', async () => {
    const message = await refusal(
      [{ name: 'zeros', data: Buffer.alloc(3_000_000), deflate: true }],
      2_097_152,
    );
    expect(message).toContain('it extracts to 2.9 MB, over app-artifact-max-mb (2.0 MB)');
  });

  it('refuse the same name twice, and an archive with no file', async () => {
    expect(
      await refusal([
        { name: 'a', data: '1' },
        { name: 'a', data: '2' },
      ]),
    ).toContain('"a" appears twice');
    expect(await refusal([{ name: 'empty/', mode: 0o040755 }])).toContain('it holds no file');
  });

  it('list every problem (the first five, and how many more)', async () => {
    const names = Array.from({ length: 7 }, (_, i) => ({ name: `../${i}`, data: 'x' }));
    const message = await refusal(names);
    expect(message.match(/escapes/g)).toHaveLength(5);
    expect(message).toContain('(and 2 more)');
  });

  it('name the problem of an entry on its own (pure)', () => {
    expect(entryProblem({ name: 'ok.txt', uncompressedSize: 1 })).toBeUndefined();
    expect(entryProblem({ name: 'x', uncompressedSize: 1, encrypted: true })).toBe('is encrypted');
  });
});

describe('what is shipped', () => {
  it('a zip holding one .tar.gz (and folders): that tarball as it is', async () => {
    const { archive, entries } = await entriesOf([
      { name: 'out/', mode: 0o040755 },
      { name: 'out/app.tar.gz', data: 'gz' },
    ]);
    archive.close();
    expect(soleTarball(entries)?.name).toBe('out/app.tar.gz');
  });

  it('loose files: packed into one tarball, in name order, with their modes', async () => {
    const { archive } = await entriesOf([
      { name: 'b.txt', data: 'bee' },
      { name: 'start', data: '#!/bin/sh\n', mode: 0o100755, deflate: true },
      { name: 'a/', mode: 0o040755 },
      { name: 'a/x', data: 'x' },
    ]);
    expect(soleTarball(archive.entries)).toBeUndefined();
    const out = path.join(dir, 'packed.tar.gz');
    await packZip(archive, out);
    archive.close();
    const tar = gunzipSync(readFileSync(out));
    const headers: string[] = [];
    for (let offset = 0; offset < tar.length;) {
      const name = tar
        .subarray(offset, offset + 100)
        .toString()
        .replace(/\0.*$/s, '');
      if (!name) break;
      const size = parseInt(tar.subarray(offset + 124, offset + 136).toString(), 8);
      headers.push(`${name} ${tar.subarray(offset + 100, offset + 107).toString()}`);
      offset += 512 + Math.ceil(size / 512) * 512;
    }
    expect(headers).toEqual(['a/ 0000755', 'a/x 0000644', 'b.txt 0000644', 'start 0000755']);
  });
});
