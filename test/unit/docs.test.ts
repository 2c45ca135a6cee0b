import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actionTables } from '../../scripts/action-tables.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  const { inputs, outputs } = actionTables();

  it('lists every input of action.yml with its default, as the table rendered from action.yml', () => {
    expect(readme).toContain(inputs);
  });

  it('lists every output of action.yml, as the table rendered from action.yml', () => {
    expect(readme).toContain(outputs);
  });

  it('notices a drifted table: an input renamed in action.yml no longer matches', () => {
    const drifted = actionTables(
      readFileSync(new URL('../../action.yml', import.meta.url), 'utf8').replace(
        'allow-forks:',
        'allow-fork:',
      ),
    );
    expect(readme).not.toContain(drifted.inputs);
  });
});
