/**
 * Evaluates CloudFormation intrinsic functions and conditions over a template.
 *
 * The resource side is pluggable: at execution a Ref yields a physical ID, while a change set
 * preview yields an `unknown` marker for resources that do not exist yet, so dependent values can
 * be reported as dynamic the way CloudFormation does.
 */
import { validationError } from './query-protocol.js';
import type { Template } from './template.js';

export const NO_VALUE = Symbol('AWS::NoValue');

export interface PseudoParameters {
  region: string;
  accountId: string;
  stackName: string;
  stackId: string;
}

export interface EvaluationEnvironment {
  parameters: Record<string, string | string[]>;
  pseudo: PseudoParameters;
  ref(logicalId: string): unknown;
  getAtt(logicalId: string, attribute: string): unknown;
  importValue(name: string): unknown;
}

/** A value that is only known once a resource is provisioned, e.g. `⟦Vpc⟧` or `⟦Alb#DNSName⟧`. */
export function unknownValue(logicalId: string, attribute?: string): string {
  return attribute ? `⟦${logicalId}#${attribute}⟧` : `⟦${logicalId}⟧`;
}

const UNKNOWN = /⟦([^#⟧]+)(?:#([^⟧]+))?⟧/g;

/** The resources (and attributes) whose unknown values appear in `value`. */
export function unknownSources(value: unknown): string[] {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return [...text.matchAll(UNKNOWN)].map((m) => (m[2] ? `${m[1]}.${m[2]}` : (m[1] ?? '')));
}

function isUnknown(value: unknown): value is string {
  return typeof value === 'string' && /^⟦[^⟧]+⟧$/.test(value);
}

export function availabilityZones(region: string): string[] {
  const letters = region === 'us-east-1' ? 'abcdef' : 'abc';
  return [...letters].map((l) => `${region}${l}`);
}

function asText(value: unknown): string {
  if (Array.isArray(value)) return value.map(asText).join(',');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** Fn::Cidr for IPv4: `count` consecutive blocks with `cidrBits` host bits inside `block`. */
export function cidrSubnets(block: string, count: number, cidrBits: number): string[] {
  const [ip, prefix] = block.split('/');
  if (!ip || prefix === undefined || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) {
    throw validationError(`Template error: Fn::Cidr requires an IPv4 CIDR block, got ${block}`);
  }
  const size = 2 ** cidrBits;
  const base = ipv4ToInt(ip);
  if (count * size > 2 ** (32 - Number(prefix))) {
    throw validationError('Template error: Fn::Cidr requested more subnets than the block holds');
  }
  return Array.from({ length: count }, (_, i) => `${intToIpv4(base + i * size)}/${32 - cidrBits}`);
}

export class Evaluator {
  private readonly conditionCache = new Map<string, boolean>();

  constructor(
    private readonly template: Template,
    private readonly env: EvaluationEnvironment,
  ) {}

  condition(name: string): boolean {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    const expression = this.template.Conditions?.[name];
    if (expression === undefined) {
      throw validationError(`Template format error: Unresolved condition dependencies [${name}]`);
    }
    const value = this.conditionExpression(expression);
    this.conditionCache.set(name, value);
    return value;
  }

  /** Resources whose Condition is false do not exist, as far as every other part is concerned. */
  isActive(logicalId: string): boolean {
    const condition = this.template.Resources[logicalId]?.Condition;
    return condition === undefined || this.condition(condition);
  }

  activeResources(): string[] {
    return Object.keys(this.template.Resources).filter((id) => this.isActive(id));
  }

  evaluate(value: unknown): unknown {
    if (Array.isArray(value))
      return value.map((v) => this.evaluate(v)).filter((v) => v !== NO_VALUE);
    if (!value || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    const only = keys.length === 1 ? keys[0] : undefined;
    if (only === 'Ref' || (only?.startsWith('Fn::') && only !== 'Fn::Transform')) {
      return this.intrinsic(only, record[only]);
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const evaluated = this.evaluate(record[key]);
      if (evaluated !== NO_VALUE) out[key] = evaluated;
    }
    return out;
  }

  private conditionExpression(expression: unknown): boolean {
    if (expression && typeof expression === 'object' && !Array.isArray(expression)) {
      const record = expression as Record<string, unknown>;
      if (typeof record.Condition === 'string') return this.condition(record.Condition);
    }
    return Boolean(this.evaluate(expression));
  }

  private args(fn: string, raw: unknown, count: number): unknown[] {
    if (!Array.isArray(raw) || raw.length < count) {
      throw validationError(`Template error: every ${fn} object requires ${count} parameters`);
    }
    return raw;
  }

  private reference(name: string): unknown {
    const { pseudo, parameters } = this.env;
    switch (name) {
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::Region':
        return pseudo.region;
      case 'AWS::AccountId':
        return pseudo.accountId;
      case 'AWS::StackName':
        return pseudo.stackName;
      case 'AWS::StackId':
        return pseudo.stackId;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::NotificationARNs':
        return [];
    }
    if (Object.hasOwn(parameters, name)) return parameters[name];
    if (this.template.Resources[name] && this.isActive(name)) return this.env.ref(name);
    throw validationError(
      `Template format error: Unresolved resource dependencies [${name}] in the Resources block of the template`,
    );
  }

  private getAtt(logicalId: string, attribute: string): unknown {
    if (!this.template.Resources[logicalId] || !this.isActive(logicalId)) {
      throw validationError(
        `Template error: instance of Fn::GetAtt references undefined resource ${logicalId}`,
      );
    }
    return this.env.getAtt(logicalId, attribute);
  }

  private sub(raw: unknown): string {
    const [text, vars] = Array.isArray(raw)
      ? [raw[0], (raw[1] ?? {}) as Record<string, unknown>]
      : [raw, {}];
    if (typeof text !== 'string')
      throw validationError('Template error: Fn::Sub requires a string');
    return text.replace(/\$\{([^}]*)\}/g, (_, inner: string) => {
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
      const name = inner.trim();
      if (Object.hasOwn(vars, name)) return asText(this.evaluate(vars[name]));
      const dot = name.indexOf('.');
      if (dot > 0 && !Object.hasOwn(this.env.parameters, name)) {
        return asText(this.getAtt(name.slice(0, dot), name.slice(dot + 1)));
      }
      return asText(this.reference(name));
    });
  }

  private intrinsic(fn: string, raw: unknown): unknown {
    switch (fn) {
      case 'Ref':
        return this.reference(String(raw));
      case 'Fn::GetAtt': {
        const [id, ...rest] = Array.isArray(raw)
          ? raw.map((v) => this.evaluate(v))
          : String(raw).split('.');
        return this.getAtt(String(id), rest.map(String).join('.'));
      }
      case 'Fn::Sub':
        return this.sub(raw);
      case 'Fn::Join': {
        const [delimiter, list] = this.args(fn, raw, 2);
        const items = this.evaluate(list);
        if (isUnknown(items)) return items;
        return (items as unknown[]).map(asText).join(String(delimiter));
      }
      case 'Fn::Select': {
        const [index, list] = this.args(fn, raw, 2).map((v) => this.evaluate(v));
        if (isUnknown(list)) return list;
        const items = Array.isArray(list) ? list : String(list).split(',');
        const i = Number(index);
        if (!Number.isInteger(i) || i < 0 || i >= items.length) {
          throw validationError(
            `Template error: Fn::Select cannot select nonexistent value at index ${String(index)}`,
          );
        }
        return items[i];
      }
      case 'Fn::Split': {
        const [delimiter, source] = this.args(fn, raw, 2).map((v) => this.evaluate(v));
        return asText(source).split(String(delimiter));
      }
      case 'Fn::If': {
        const [name, whenTrue, whenFalse] = this.args(fn, raw, 3);
        return this.evaluate(this.condition(String(name)) ? whenTrue : whenFalse);
      }
      case 'Fn::Equals': {
        const [a, b] = this.args(fn, raw, 2).map((v) => this.evaluate(v));
        return asText(a) === asText(b);
      }
      case 'Fn::Not':
        return !this.conditionExpression(this.args(fn, raw, 1)[0]);
      case 'Fn::And':
        return this.args(fn, raw, 2).every((c) => this.conditionExpression(c));
      case 'Fn::Or':
        return this.args(fn, raw, 2).some((c) => this.conditionExpression(c));
      case 'Fn::GetAZs': {
        const region = this.evaluate(raw);
        return availabilityZones(region ? String(region) : this.env.pseudo.region);
      }
      case 'Fn::FindInMap':
        return this.findInMap(this.args(fn, raw, 3));
      case 'Fn::Base64':
        return Buffer.from(asText(this.evaluate(raw))).toString('base64');
      case 'Fn::Cidr': {
        const [block, count, bits] = this.args(fn, raw, 3).map((v) => this.evaluate(v));
        if (isUnknown(block)) return Array.from({ length: Number(count) }, () => block);
        return cidrSubnets(String(block), Number(count), Number(bits));
      }
      case 'Fn::ImportValue':
        return this.env.importValue(asText(this.evaluate(raw)));
      case 'Fn::Length': {
        const list = this.evaluate(raw);
        return Array.isArray(list) ? list.length : 1;
      }
      case 'Fn::ToJsonString':
        return JSON.stringify(this.evaluate(raw));
      default:
        throw validationError(`Template format error: Unrecognized intrinsic function ${fn}`);
    }
  }

  private findInMap(raw: unknown[]): unknown {
    const [map, top, second, options] = raw.map((v) => this.evaluate(v));
    const value = this.template.Mappings?.[String(map)]?.[String(top)]?.[String(second)];
    if (value !== undefined) return value;
    const fallback = (options as { DefaultValue?: unknown } | undefined)?.DefaultValue;
    if (fallback !== undefined) return fallback;
    throw validationError(
      `Template error: Unable to get mapping for ${String(map)}::${String(top)}::${String(second)}`,
    );
  }
}
