// Fails when dist/ is not what the sources bundle to now: the action runs dist/, not src/.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const fresh = mkdtempSync(path.join(tmpdir(), 'pr-env-dist-'));
try {
  execFileSync(
    'npx',
    [
      'ncc',
      'build',
      'src/index.ts',
      '-o',
      fresh,
      '--license',
      'licenses.txt',
      '--target',
      'es2022',
      '--quiet',
    ],
    { stdio: 'inherit' },
  );
  const list = (dir) => readdirSync(dir).sort();
  const committed = list('dist');
  const built = list(fresh);
  const drift = [...new Set([...committed, ...built])].filter((file) => {
    if (!committed.includes(file) || !built.includes(file)) return true;
    return !readFileSync(path.join('dist', file)).equals(readFileSync(path.join(fresh, file)));
  });
  if (drift.length > 0) {
    console.error(
      `dist/ is out of date (${drift.join(', ')}): run \`npm run bundle\` and commit dist/.`,
    );
    process.exit(1);
  }
  console.log('dist/ matches a fresh bundle');
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
