/** Text as Markdown inline code; a backtick inside would end it early, so it becomes a quote. */
export function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}
