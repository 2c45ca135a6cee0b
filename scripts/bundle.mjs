// Bundles the action into one directory: `node scripts/bundle.mjs [outdir]` (default dist/).
// Minified: a smaller bundle starts faster on every run of every user's workflow.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

export function bundle(outDir) {
  rmSync(outDir, { recursive: true, force: true });
  execFileSync(
    'npx',
    [
      'ncc',
      'build',
      'src/index.ts',
      '-o',
      outDir,
      '--minify',
      '--license',
      'licenses.txt',
      '--target',
      'es2022',
      '--quiet',
    ],
    { stdio: 'inherit' },
  );
}

if (import.meta.url === `file://${process.argv[1]}`) bundle(process.argv[2] ?? 'dist');
