// Bundles the action into one directory: `node scripts/bundle.mjs [outdir]` (default dist/).
//
// esbuild, not ncc: the AWS SDK's ES modules (`dist-es`, `"sideEffects": false`, one export per
// command and schema) tree-shake, so each client costs only the commands pr-env sends. ncc
// (webpack) bundles every client whole from its CommonJS build: 5.4 MB against 1.7 MB here for
// the same sources (issue 14, measured on this tree). ES module chunks, split where the code
// loads them lazily (`await import(...)`), so a run loads only what it uses; minified, because a
// smaller entry chunk starts faster on every run of every user's workflow.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PARSED_TEMPLATES, parsedTemplates } from './parsed-templates.mjs';
import { buildWakeZip } from './wake-function.mjs';

/** The wake page's function, beside the action's code (src/wake/code.ts reads it from there). */
export const WAKE_ZIP = 'wake.zip';

// CommonJS dependencies bundled into ES modules still call require() for Node's built-ins.
const BANNER =
  "import { createRequire as __prEnvCreateRequire } from 'node:module'; const require = __prEnvCreateRequire(import.meta.url);";

// Packages whose modules have no effect on import but declare no `"sideEffects": false`: so
// marked, what pr-env does not call is left out. @actions/core imports its OIDC client, and with
// it @actions/http-client and undici (0.4 MB), into every run that reads an input.
const PURE_PACKAGES = /node_modules\/@actions\/(core|http-client)\//;

const pureModules = {
  name: 'pure-modules',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.pure) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { pure: true },
      });
      if (resolved.errors.length > 0 || !PURE_PACKAGES.test(resolved.path)) return undefined;
      return { path: resolved.path, sideEffects: false };
    });
  },
};

export async function bundle(outDir) {
  rmSync(outDir, { recursive: true, force: true });
  const result = await build({
    entryPoints: ['src/index.ts'],
    bundle: true,
    outdir: outDir,
    format: 'esm',
    splitting: true,
    platform: 'node',
    target: 'node20',
    // The SDK's ES module build (`module`), which tree-shakes; CommonJS (`main`) otherwise.
    mainFields: ['module', 'main'],
    minify: true,
    legalComments: 'none',
    banner: { js: BANNER },
    metafile: true,
    plugins: [pureModules],
    logLevel: 'warning',
  });
  writeFileSync(path.join(outDir, 'package.json'), '{"type":"module"}\n');
  writeFileSync(path.join(outDir, WAKE_ZIP), await buildWakeZip());
  writeFileSync(path.join(outDir, PARSED_TEMPLATES), await parsedTemplates());
  writeFileSync(path.join(outDir, 'licenses.txt'), licenses(result.metafile));
  return result.metafile;
}

/** The package directory (`node_modules/@scope/name`) a bundled input file comes from. */
function packageDir(file) {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(file);
  return match?.[1];
}

const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt))?$/i;

/** Every bundled package's name, licence and licence text, as ncc's `--license` wrote them. */
function licenses(metafile) {
  const dirs = new Set(Object.keys(metafile.inputs).map(packageDir).filter(Boolean));
  const entries = new Map();
  for (const dir of dirs) {
    const manifest = path.join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name, license } = JSON.parse(readFileSync(manifest, 'utf8'));
    if (!name || entries.has(name)) continue;
    const file = readdirSync(dir).find((f) => LICENSE_FILE.test(f));
    const text = file ? readFileSync(path.join(dir, file), 'utf8').trim() : '';
    entries.set(name, `${name}\n${license ?? 'UNKNOWN'}\n${text}`);
  }
  return `${[...entries.keys()]
    .sort()
    .map((name) => entries.get(name))
    .join('\n\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = process.argv[2] ?? 'dist';
  mkdirSync(outDir, { recursive: true });
  await bundle(outDir);
}
