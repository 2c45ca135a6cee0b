import { createReadStream, lstatSync, readdirSync, readSync, openSync, closeSync } from 'node:fs';
import path from 'node:path';
import { writeTarGz, type TarEntry } from './tar.js';
import type { ZipArchive } from './zip.js';
import { isDirectoryEntry } from './zip-checks.js';

const byName = (a: TarEntry, b: TarEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * A workspace directory as one `.tar.gz`: its files and folders, in name order. A symbolic link
 * is refused (it could point anywhere on the runner); tar the build yourself to ship links.
 */
export async function packDirectory(root: string, out: string): Promise<void> {
  const entries: TarEntry[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const relative = prefix ? `${prefix}/${name}` : name;
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) {
        throw new Error(
          `"${relative}" in ${root} is a symbolic link: pr-env packs only files and folders (make the .tar.gz in your build to keep links)`,
        );
      }
      if (stat.isDirectory()) {
        entries.push({ name: relative, type: 'directory', size: 0 });
        walk(full, relative);
      } else if (stat.isFile()) {
        entries.push({
          name: relative,
          type: 'file',
          size: stat.size,
          executable: (stat.mode & 0o111) !== 0,
          open: async () => createReadStream(full),
        });
      } else {
        throw new Error(`"${relative}" in ${root} is not a file or folder`);
      }
    }
  };
  walk(root, '');
  if (!entries.some((e) => e.type === 'file')) throw new Error(`${root} holds no file to deploy`);
  await writeTarGz(entries.sort(byName), out);
}

/** A checked zip's files and folders as one `.tar.gz`, streamed entry by entry, in name order. */
export async function packZip(archive: ZipArchive, out: string): Promise<void> {
  const entries = archive.entries.map((entry): TarEntry => {
    const name = entry.name.replace(/\/+$/, '');
    if (isDirectoryEntry(entry)) return { name, type: 'directory', size: 0 };
    return {
      name,
      type: 'file',
      size: entry.uncompressedSize,
      executable: ((entry.unixMode ?? 0) & 0o111) !== 0,
      open: () => archive.open(entry),
    };
  });
  await writeTarGz(entries.sort(byName), out);
}

/** Whether a file starts as gzip does (1f 8b): a `.tar.gz` that is not one fails here, not on the instances. */
export function isGzip(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const magic = Buffer.alloc(2);
    return readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}
