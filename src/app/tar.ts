/**
 * A deterministic `.tar.gz` writer (POSIX ustar, with a PAX header for long names): the same
 * files give the same bytes, so an unchanged build uploads nothing and rolls nothing. No owner,
 * no timestamps; modes are 0755 or 0644.
 */
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export interface TarEntry {
  /** Relative path with `/` separators; a folder without its trailing slash. */
  name: string;
  type: 'file' | 'directory';
  executable?: boolean;
  size: number;
  /** The file's content, exactly `size` bytes. */
  open?: () => Promise<Readable>;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, type: '0' | '5' | 'x', size: number, mode: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(mode, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(0, 12), 136, 'ascii');
  block.write(' '.repeat(8), 148, 'ascii');
  block.write(type, 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + ' ', 148, 'ascii');
  return block;
}

/** `<length> path=<name>\n`, where the length counts itself. */
function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length++;
  return Buffer.from(`${length}${body}`);
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

async function* tarStream(entries: TarEntry[]): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    const name = entry.type === 'directory' ? `${entry.name}/` : entry.name;
    if (Buffer.byteLength(name) > 100) {
      const pax = paxRecord('path', name);
      yield header('PaxHeader', 'x', pax.length, 0o644);
      yield pax;
      yield padding(pax.length);
    }
    const mode = entry.type === 'directory' || entry.executable ? 0o755 : 0o644;
    const size = entry.type === 'file' ? entry.size : 0;
    yield header(name.slice(0, 100), entry.type === 'file' ? '0' : '5', size, mode);
    if (entry.type !== 'file') continue;
    let written = 0;
    for await (const chunk of (await entry.open!()) as AsyncIterable<Buffer>) {
      written += chunk.length;
      if (written > size) throw new Error(`"${entry.name}" is longer than its ${size} bytes`);
      yield chunk;
    }
    if (written !== size) throw new Error(`"${entry.name}" is ${written} bytes, not ${size}`);
    yield padding(size);
  }
  yield Buffer.alloc(BLOCK * 2);
}

/** Writes `entries`, in the order given, as a gzipped tar to `file`. */
export async function writeTarGz(entries: TarEntry[], file: string): Promise<void> {
  await pipeline(tarStream(entries), createGzip({ level: 9 }), createWriteStream(file));
}
