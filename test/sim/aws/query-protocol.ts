/**
 * The AWS Query protocol (CloudFormation, RDS): form-encoded requests, XML responses.
 */
import { randomUUID } from 'node:crypto';
import { children, element } from './xml.js';

/** An error answered in the Query protocol's `<ErrorResponse>` shape. */
export class QueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

export function validationError(message: string): QueryError {
  return new QueryError('ValidationError', message);
}

type Tree = { [key: string]: Tree | string };

function insert(tree: Tree, path: string[], value: string): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    tree[head] = value;
    return;
  }
  const next = tree[head];
  const child: Tree = typeof next === 'object' ? next : {};
  tree[head] = child;
  insert(child, rest, value);
}

// `Parameters.member.1.ParameterKey` arrives flat; rebuild the list so handlers see arrays.
function normalise(node: Tree | string): unknown {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => normalise(node[k] as Tree | string));
  }
  if (keys.length === 1 && (keys[0] === 'member' || keys[0] === 'entry')) {
    const inner = normalise(node[keys[0]] as Tree | string);
    return Array.isArray(inner) ? inner : [inner];
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = normalise(node[key] as Tree | string);
  return out;
}

/** Parses a Query-protocol form body into nested objects and arrays. */
export function parseQueryBody(body: string): Record<string, unknown> {
  const tree: Tree = {};
  for (const [key, value] of new URLSearchParams(body)) insert(tree, key.split('.'), value);
  return normalise(tree) as Record<string, unknown>;
}

/** Typed reads over a parsed request, tolerant of the protocol's encodings. */
export class QueryParams {
  constructor(readonly raw: Record<string, unknown>) {}

  get action(): string {
    return this.string('Action') ?? '';
  }

  has(name: string): boolean {
    return this.raw[name] !== undefined;
  }

  string(name: string): string | undefined {
    const value = this.raw[name];
    return typeof value === 'string' ? value : undefined;
  }

  boolean(name: string): boolean | undefined {
    const value = this.string(name);
    return value === undefined ? undefined : value === 'true';
  }

  number(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined || value === '') return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) {
      throw new QueryError('ValidationError', `Invalid value ${value} for ${name}`);
    }
    return parsed;
  }

  /** An empty list is sent as `Name=`; either way the handler gets an array. */
  list(name: string): unknown[] {
    const value = this.raw[name];
    if (Array.isArray(value)) return value;
    return [];
  }

  strings(name: string): string[] {
    return this.list(name).filter((v): v is string => typeof v === 'string');
  }

  records(name: string): Record<string, string>[] {
    return this.list(name).filter(
      (v): v is Record<string, string> => typeof v === 'object' && v !== null,
    );
  }
}

export interface XmlReply {
  status: number;
  body: string;
  requestId: string;
}

/** `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…` */
export function queryResponse(
  action: string,
  result: Record<string, unknown> | undefined,
  namespace: string,
): XmlReply {
  const requestId = randomUUID();
  const resultXml =
    result === undefined ? '' : element(`${action}Result`, result) || `<${action}Result/>`;
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}">` +
    resultXml +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, body, requestId };
}

export function queryErrorResponse(error: QueryError, namespace: string): XmlReply {
  const requestId = randomUUID();
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}">` +
    element('Error', { Type: error.type, Code: error.code, Message: error.message }) +
    children({ RequestId: requestId }) +
    `</ErrorResponse>`;
  return { status: error.status, body, requestId };
}
