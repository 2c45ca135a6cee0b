// Fails when dist/ is not what the sources bundle to now: the action runs dist/, not src/.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundle } from './bundle.mjs';

const fresh = path.join(mkdtempSync(path.join(tmpdir(), 'pr-env-dist-')), 'dist');
try {
  await bundle(fresh);
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
  rmSync(path.dirname(fresh), { recursive: true, force: true });
}
