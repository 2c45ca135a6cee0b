import { FAILSAFE_SCHEMA, load } from 'js-yaml';

// Parsers for the textual forms inputs arrive in. Each throws a message naming the expected form;
// inputs.ts adds the input's name.

export function parseBoolean(raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(value)) return true;
  if (['false', 'no', 'off', '0', ''].includes(value)) return false;
  throw new Error(`"${raw}" is not a boolean: expected true or false`);
}

export function parseNumber(
  raw: string,
  { min, integer }: { min: number; integer?: boolean },
): number {
  const text = raw.trim();
  const value = Number(text);
  const kind = integer ? 'a whole number' : 'a number';
  if (text === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new Error(`"${raw}" is not ${kind}: expected ${kind} of at least ${min}`);
  }
  if (value < min) throw new Error(`"${raw}" is too small: expected ${kind} of at least ${min}`);
  return value;
}

/**
 * `Key=Value` lines (blank lines and `#` comments ignored). Values may contain `=`; keys may not.
 */
export function parseKeyValueLines(raw: string): Record<string, string> {
  const result: Record<string, string> = {};
  raw.split(/\r?\n/).forEach((line, index) => {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) return;
    const eq = text.indexOf('=');
    if (eq <= 0) {
      throw new Error(`line ${index + 1} "${text}" is not of the form Key=Value`);
    }
    const key = text.slice(0, eq).trim();
    if (Object.hasOwn(result, key)) throw new Error(`line ${index + 1} repeats the key "${key}"`);
    result[key] = text.slice(eq + 1).trim();
  });
  return result;
}

/** `Key=Value` lines, or a YAML map of scalars (`Key: Value`). */
export function parseKeyValueLinesOrMap(raw: string): Record<string, string> {
  if (!looksLikeYamlMap(raw)) return parseKeyValueLines(raw);
  let parsed: unknown;
  try {
    // Every scalar stays the text it was written as: a parameter "16.10" must not become 16.1.
    parsed = load(raw, { schema: FAILSAFE_SCHEMA });
  } catch (error) {
    throw new Error(
      `${quoted(raw)} is neither Key=Value lines nor a valid YAML map (${(error as Error).message.split('\n')[0]})`,
      { cause: error },
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${quoted(raw)} is neither Key=Value lines nor a YAML map`);
  }
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== null && typeof value === 'object') {
      throw new Error(`the value of "${key}" is not a scalar: expected Key: Value`);
    }
    result[key] = value === null ? '' : String(value);
  }
  return result;
}

/** The value for an error message: on one line, and short enough to read. */
function quoted(raw: string): string {
  const text = raw.trim().replace(/\r?\n/g, '\\n');
  return `"${text.length > 80 ? `${text.slice(0, 80)}…` : text}"`;
}

function looksLikeYamlMap(raw: string): boolean {
  const first = raw
    .split(/\r?\n/)
    .find((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  if (first === undefined) return false;
  const trimmed = first.trim();
  if (trimmed.startsWith('{')) return true;
  const colon = trimmed.indexOf(':');
  const eq = trimmed.indexOf('=');
  return colon > 0 && (eq < 0 || colon < eq);
}
