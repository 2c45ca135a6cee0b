/**
 * A word as a POSIX shell reads it, quoted only when it must be: the commands pr-env prints (in
 * comments, summaries, logs) are filled in from stack outputs and copied into shells.
 */
export function shellQuoted(value: string): string {
  return /^[A-Za-z0-9:/._,=@+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
