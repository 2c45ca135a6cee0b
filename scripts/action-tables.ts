// Renders the README's inputs and outputs tables from action.yml, so the docs cannot drift:
// `npm run docs` rewrites them; test/unit/docs.test.ts fails if the README differs.
import { readFileSync, writeFileSync } from 'node:fs';
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

/** Replaces the tables in the README between their markers. */
export function withTables(readme: string, tables = actionTables()): string {
  const replace = (text: string, name: string, table: string) =>
    text.replace(
      new RegExp(`(<!-- ${name}:start -->\n)[\\s\\S]*?(\n<!-- ${name}:end -->)`),
      `$1${table}$2`,
    );
  return replace(replace(readme, 'inputs', tables.inputs), 'outputs', tables.outputs);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const readmeUrl = new URL('../README.md', import.meta.url);
  writeFileSync(readmeUrl, withTables(readFileSync(readmeUrl, 'utf8')));
  console.log('README.md tables rewritten from action.yml');
}
