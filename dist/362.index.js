export const id = 362;
export const ids = [362];
export const modules = {

/***/ 2362:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  isGzip: () => (/* binding */ isGzip),
  packDirectory: () => (/* binding */ packDirectory),
  R: () => (/* binding */ packZip)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: external "node:stream/promises"
var promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
;// CONCATENATED MODULE: ./src/app/tar.ts
/**
 * A deterministic `.tar.gz` writer (POSIX ustar, with a PAX header for long names): the same
 * files give the same bytes, so an unchanged build uploads nothing and rolls nothing. No owner,
 * no timestamps; modes are 0755 or 0644.
 */



const BLOCK = 512;
function octal(value, width) {
    return value.toString(8).padStart(width - 1, '0') + '\0';
}
function header(name, type, size, mode) {
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
    for (const byte of block)
        sum += byte;
    block.write(octal(sum, 7) + ' ', 148, 'ascii');
    return block;
}
/** `<length> path=<name>\n`, where the length counts itself. */
function paxRecord(key, value) {
    const body = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(body) + 1;
    while (String(length).length + Buffer.byteLength(body) !== length)
        length++;
    return Buffer.from(`${length}${body}`);
}
const padding = (size) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
async function* tarStream(entries) {
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
        if (entry.type !== 'file')
            continue;
        let written = 0;
        for await (const chunk of (await entry.open())) {
            written += chunk.length;
            if (written > size)
                throw new Error(`"${entry.name}" is longer than its ${size} bytes`);
            yield chunk;
        }
        if (written !== size)
            throw new Error(`"${entry.name}" is ${written} bytes, not ${size}`);
        yield padding(size);
    }
    yield Buffer.alloc(BLOCK * 2);
}
/** Writes `entries`, in the order given, as a gzipped tar to `file`. */
async function writeTarGz(entries, file) {
    await (0,promises_.pipeline)(tarStream(entries), (0,external_node_zlib_.createGzip)({ level: 9 }), (0,external_node_fs_.createWriteStream)(file));
}

// EXTERNAL MODULE: ./src/app/zip-checks.ts
var zip_checks = __webpack_require__(5812);
;// CONCATENATED MODULE: ./src/app/pack.ts




const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
/**
 * A workspace directory as one `.tar.gz`: its files and folders, in name order. A symbolic link
 * is refused (it could point anywhere on the runner); tar the build yourself to ship links.
 */
async function packDirectory(root, out) {
    const entries = [];
    const walk = (dir, prefix) => {
        for (const name of (0,external_node_fs_.readdirSync)(dir).sort()) {
            const full = external_node_path_default().join(dir, name);
            const relative = prefix ? `${prefix}/${name}` : name;
            const stat = (0,external_node_fs_.lstatSync)(full);
            if (stat.isSymbolicLink()) {
                throw new Error(`"${relative}" in ${root} is a symbolic link: pr-env packs only files and folders (make the .tar.gz in your build to keep links)`);
            }
            if (stat.isDirectory()) {
                entries.push({ name: relative, type: 'directory', size: 0 });
                walk(full, relative);
            }
            else if (stat.isFile()) {
                entries.push({
                    name: relative,
                    type: 'file',
                    size: stat.size,
                    executable: (stat.mode & 0o111) !== 0,
                    open: async () => (0,external_node_fs_.createReadStream)(full),
                });
            }
            else {
                throw new Error(`"${relative}" in ${root} is not a file or folder`);
            }
        }
    };
    walk(root, '');
    if (!entries.some((e) => e.type === 'file'))
        throw new Error(`${root} holds no file to deploy`);
    await writeTarGz(entries.sort(byName), out);
}
/** A checked zip's files and folders as one `.tar.gz`, streamed entry by entry, in name order. */
async function packZip(archive, out) {
    const entries = archive.entries.map((entry) => {
        const name = entry.name.replace(/\/+$/, '');
        if ((0,zip_checks/* isDirectoryEntry */.Ez)(entry))
            return { name, type: 'directory', size: 0 };
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
function isGzip(file) {
    const fd = (0,external_node_fs_.openSync)(file, 'r');
    try {
        const magic = Buffer.alloc(2);
        return (0,external_node_fs_.readSync)(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
}


/***/ }),

/***/ 5812:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ez: () => (/* binding */ isDirectoryEntry),
/* harmony export */   TF: () => (/* binding */ formatMb),
/* harmony export */   _b: () => (/* binding */ checkZipEntries),
/* harmony export */   dM: () => (/* binding */ ArtifactRefusedError),
/* harmony export */   kq: () => (/* binding */ soleTarball)
/* harmony export */ });
/* unused harmony export entryProblem */
/**
 * The checks an artifact's zip passes before anything in it is used. A PR's build is written by
 * whoever opened the PR: its archive is treated as hostile. Pure.
 */
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
function isDirectoryEntry(entry) {
    return entry.name.endsWith('/') || ((entry.unixMode ?? 0) & S_IFMT) === S_IFDIR;
}
/** Why an entry is refused, or undefined when it may be used. */
function entryProblem(entry) {
    const { name } = entry;
    const type = (entry.unixMode ?? 0) & S_IFMT;
    if (name === '' || name.includes('\0'))
        return 'has an empty or NUL-containing name';
    if (/^([/\\]|[A-Za-z]:)/.test(name))
        return 'is an absolute path';
    if (name.includes('\\'))
        return 'has a backslash in its path';
    if (name.split('/').includes('..'))
        return 'escapes the folder it is extracted to (..)';
    if (type === S_IFLNK)
        return 'is a symbolic link';
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR)
        return 'is not a regular file or folder';
    if (entry.encrypted)
        return 'is encrypted';
    return undefined;
}
/** An artifact pr-env will not deploy; nothing has been created or changed when it is thrown. */
class ArtifactRefusedError extends Error {
    constructor(what, problems) {
        const shown = problems.slice(0, 5);
        const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
        super(`Refused ${what}: ${shown.join('; ')}${more}. Nothing was deployed.`);
        this.name = 'ArtifactRefusedError';
    }
}
/**
 * Every entry checked, and the whole: at most `maxBytes` once extracted (a small zip can hold a
 * huge file), no name twice. Throws ArtifactRefusedError naming what is wrong.
 */
function checkZipEntries(what, entries, maxBytes) {
    const problems = [];
    const seen = new Set();
    let total = 0;
    for (const entry of entries) {
        const problem = entryProblem(entry);
        if (problem)
            problems.push(`"${entry.name}" ${problem}`);
        const normal = entry.name.replace(/\/+$/, '');
        if (seen.has(normal))
            problems.push(`"${entry.name}" appears twice`);
        seen.add(normal);
        total += entry.uncompressedSize;
    }
    if (total > maxBytes) {
        problems.push(`it extracts to ${formatMb(total)}, over app-artifact-max-mb (${formatMb(maxBytes)})`);
    }
    if (entries.filter((e) => !isDirectoryEntry(e)).length === 0)
        problems.push('it holds no file');
    if (problems.length > 0)
        throw new ArtifactRefusedError(what, problems);
}
/** The one `.tar.gz` a zip holds alone (folders aside), to be shipped as it is. */
function soleTarball(entries) {
    const files = entries.filter((e) => !isDirectoryEntry(e));
    const [only] = files;
    return files.length === 1 && /\.(tar\.gz|tgz)$/.test(only.name) ? only : undefined;
}
function formatMb(bytes) {
    return `${(bytes / 1_048_576).toFixed(bytes < 10_485_760 ? 1 : 0)} MB`;
}


/***/ })

};
