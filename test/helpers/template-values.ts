/**
 * Parameter values applied to a template, the way CloudFormation would for one deploy: Ref to a
 * parameter, Fn::If and the condition functions, and the string functions. Anything it cannot
 * resolve (a reference to a resource) is left as it is.
 */
import type { CfnTemplate } from '../../src/template/cfn-yaml.js';

export type Values = Record<string, unknown>;

export const NO_VALUE = Symbol('AWS::NoValue');

export function templateValues(template: CfnTemplate) {
  /**
   * Resolves Ref-to-parameter, Fn::If, the condition functions and the string functions for one
   * set of values; anything it cannot resolve (resource references) is left as it is.
   */
  function resolve(value: unknown, values: Values): unknown {
    if (Array.isArray(value)) {
      return value.map((item) => resolve(item, values)).filter((item) => item !== NO_VALUE);
    }
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    const [key, args] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Ref') {
      if (args === 'AWS::NoValue') return NO_VALUE;
      return (args as string) in values ? values[args as string] : value;
    }
    if (entries.length === 1 && key === 'Condition') return condition(args as string, values);
    if (entries.length === 1 && key === 'Fn::If') {
      const [name, yes, no] = args as [string, unknown, unknown];
      return resolve(condition(name, values) ? yes : no, values);
    }
    if (entries.length === 1 && key === 'Fn::Equals') {
      const [a, b] = (args as unknown[]).map((item) => String(resolve(item, values)));
      return a === b;
    }
    if (entries.length === 1 && key === 'Fn::Not') return !resolve((args as unknown[])[0], values);
    if (entries.length === 1 && key === 'Fn::And') {
      return (args as unknown[]).every((item) => resolve(item, values));
    }
    if (entries.length === 1 && key === 'Fn::Or') {
      return (args as unknown[]).some((item) => resolve(item, values));
    }
    if (entries.length === 1 && key === 'Fn::Join') {
      const [separator, items] = args as [string, unknown[]];
      return (resolve(items, values) as unknown[]).join(separator);
    }
    if (entries.length === 1 && key === 'Fn::Split') {
      const [separator, text] = args as [string, unknown];
      return String(resolve(text, values)).split(separator);
    }
    if (entries.length === 1 && key === 'Fn::Select') {
      const [index, list] = args as [number, unknown];
      const items = resolve(list, values) as unknown[];
      if (index >= items.length) throw new Error(`Fn::Select index ${index} out of range`);
      return items[index];
    }
    if (entries.length === 1 && key === 'Fn::Sub' && Array.isArray(args)) {
      const [text, variables] = args as [string, Record<string, unknown>];
      const bound: Values = { ...values, 'AWS::Partition': 'aws' };
      for (const [name, v] of Object.entries(variables)) bound[name] = resolve(v, values);
      return text.replace(/\$\{([^}]+)\}/g, (match, name: string) =>
        name in bound ? String(bound[name]) : match,
      );
    }
    return Object.fromEntries(
      entries.map(([k, v]) => [k, resolve(v, values)]).filter(([, v]) => v !== NO_VALUE),
    );
  }
  const condition = (name: string, values: Values) =>
    resolve(template.Conditions?.[name], values) === true;

  /** Resource IDs that exist for a set of values. */
  const existing = (values: Values) =>
    Object.keys(template.Resources).filter((id) => {
      const c = template.Resources[id]!.Condition;
      return c === undefined || condition(c, values);
    });

  /** The template's parameter defaults, then `values`. */
  const withDefaults = (values: Values): Values => ({
    ...Object.fromEntries(
      Object.entries(template.Parameters ?? {}).map(([name, p]) => [name, p.Default]),
    ),
    ...values,
  });

  /** A resource's properties as deployed with these values (defaults for the others). */
  const properties = (id: string, values: Values): Record<string, unknown> =>
    resolve(template.Resources[id]?.Properties ?? {}, withDefaults(values)) as Record<
      string,
      unknown
    >;

  return { resolve, condition, existing, properties, withDefaults };
}
