import type { Entry, ZipFile } from 'yauzl';
import type { Readable } from 'node:stream';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { ZipEntryInfo } from './zip-checks.js';

/** A zip's entries, read from its central directory without extracting anything. */
export interface ZipArchive {
  entries: ZipEntryInfo[];
  /** The content of an entry (its size checked against the directory as it streams). */
  open(entry: ZipEntryInfo): Promise<Readable>;
  close(): void;
}

const UNIX = 3;

// yauzl is CommonJS: its functions are on the namespace, or on its default export once bundled.
type Yauzl = typeof import('yauzl');
async function loadYauzl(): Promise<Yauzl> {
  const module = (await import('yauzl')) as Yauzl & { default?: Yauzl };
  return module.default ?? module;
}

/**
 * Opens a zip and lists its entries. Names are decoded without yauzl's own checks (which would
 * reject a bad name with a message of its own): zip-checks.ts decides, and says why.
 */
export async function openZip(file: string): Promise<ZipArchive> {
  const yauzl = await loadYauzl();
  const zip = await new Promise<ZipFile>((resolve, reject) =>
    yauzl.open(
      file,
      { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false },
      (error, opened) => (error ? reject(error) : resolve(opened)),
    ),
  );
  const raw = new Map<ZipEntryInfo, Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: Entry) => {
      const name = yauzl.getFileNameLowLevel(
        entry.generalPurposeBitFlag,
        entry.fileNameRaw ?? (entry.fileName as unknown as Buffer),
        yauzl.parseExtraFields(entry.extraFieldRaw ?? Buffer.alloc(0)),
        true,
      );
      const info: ZipEntryInfo = {
        name,
        unixMode:
          entry.versionMadeBy >> 8 === UNIX ? entry.externalFileAttributes >>> 16 : undefined,
        uncompressedSize: entry.uncompressedSize,
        encrypted: entry.isEncrypted(),
      };
      raw.set(info, entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve());
    zip.once('error', reject);
    zip.readEntry();
  });
  return {
    entries: [...raw.keys()],
    open: (info) =>
      new Promise<Readable>((resolve, reject) =>
        zip.openReadStream(raw.get(info)!, (error, stream) =>
          error ? reject(error) : resolve(stream),
        ),
      ),
    close: () => zip.close(),
  };
}

/** Copies one entry out of the zip to `file`: the only thing ever written from an artifact. */
export async function extractEntry(
  archive: ZipArchive,
  entry: ZipEntryInfo,
  file: string,
): Promise<void> {
  await pipeline(await archive.open(entry), createWriteStream(file, { flags: 'wx' }));
}
