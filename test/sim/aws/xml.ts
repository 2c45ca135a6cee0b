/**
 * Minimal XML writer for AWS Query and REST-XML responses.
 *
 * Lists are written the way the AWS wire formats expect: each item wrapped in `<member>` unless the
 * service names its items (RDS wraps snapshots in `<DBClusterSnapshot>`), which `xmlList` records.
 */

export class XmlList {
  constructor(
    readonly itemName: string,
    readonly items: readonly unknown[],
  ) {}
}

/** A list whose items are wrapped in `<itemName>` rather than `<member>`. */
export function xmlList(itemName: string, items: readonly unknown[]): XmlList {
  return new XmlList(itemName, items);
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        // A raw CR would be normalised away by the client's XML parser.
        return '&#13;';
    }
  });
}

function scalarText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

function writeItems(items: readonly unknown[], itemName: string): string {
  return items.map((item) => element(itemName, item)).join('');
}

/** Serialises `value` as the element `name`; undefined and null members are left out. */
export function element(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof XmlList)
    return `<${name}>${writeItems(value.items, value.itemName)}</${name}>`;
  if (Array.isArray(value)) return `<${name}>${writeItems(value, 'member')}</${name}>`;
  if (typeof value === 'object' && !(value instanceof Date)) {
    return `<${name}>${children(value as Record<string, unknown>)}</${name}>`;
  }
  return `<${name}>${escapeXml(scalarText(value))}</${name}>`;
}

export function children(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([key, value]) => element(key, value))
    .join('');
}
