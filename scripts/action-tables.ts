// Renders the README's inputs and outputs tables from action.yml, so the docs cannot drift:
// `npx tsx scripts/action-tables.ts` prints them; test/unit/docs.test.ts fails if the README differs.
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';

interface ActionYaml {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { description: string }>;
}

const cell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();

export function actionTables(
  actionYml = readFileSync(new URL('../action.yml', import.meta.url), 'utf8'),
) {
  const action = load(actionYml) as ActionYaml;
  const inputs = [
    '| Input | Default | Description |',
    '|---|---|---|',
    ...Object.entries(action.inputs).map(
      ([name, input]) =>
        `| \`${name}\` | ${input.default !== undefined && input.default !== '' ? `\`${cell(String(input.default))}\`` : ''} | ${cell(input.description)} |`,
    ),
  ].join('\n');
  const outputs = [
    '| Output | Description |',
    '|---|---|',
    ...Object.entries(action.outputs).map(
      ([name, output]) => `| \`${name}\` | ${cell(output.description)} |`,
    ),
  ].join('\n');
  return { inputs, outputs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { inputs, outputs } = actionTables();
  console.log(`${inputs}\n\n${outputs}`);
}
