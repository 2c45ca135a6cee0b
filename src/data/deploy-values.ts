import type { LoadedTemplate } from '../template/render.js';
import { DATA_PARAMETERS } from './parameters.js';
import { SERVERLESS_PARAMETERS, serverlessMinCapacity } from './serverless.js';
import { dataParameters, type DataChoice } from './source.js';

/** Whether the template has a database to seed: it takes a snapshot or a clone source. Pure. */
export function needsDatabase(loaded: LoadedTemplate): boolean {
  return (
    loaded.declared.has(DATA_PARAMETERS.snapshot) ||
    loaded.declared.has(DATA_PARAMETERS.cloneSource)
  );
}

/** Why the template cannot take the data source asked for; undefined when it can. Pure. */
export function dataSourceProblem(loaded: LoadedTemplate, source: string): string | undefined {
  if (source !== 'clone' || !needsDatabase(loaded)) return undefined;
  const missing = [
    DATA_PARAMETERS.cloneSource,
    DATA_PARAMETERS.cloneRestoreTime,
    DATA_PARAMETERS.cloneClusterName,
  ].filter((name) => !loaded.declared.has(name));
  if (missing.length === 0) return undefined;
  return `"data-source": clone needs a template that takes a clone source: template "${loaded.path}" does not declare ${missing.join(', ')}`;
}

/**
 * The parameter values a deploy sends about its database: where its data comes from, and, for
 * Serverless v2 instances, the lowest capacity the engine version allows. Pure.
 */
export function databaseValues(
  loaded: LoadedTemplate,
  data: DataChoice,
  overrides: Record<string, string>,
): Record<string, string> {
  const values = dataParameters(data);
  const declared = loaded.template.Parameters?.[SERVERLESS_PARAMETERS.instanceClass]?.Default;
  const minCapacity = serverlessMinCapacity({
    instanceClass:
      overrides[SERVERLESS_PARAMETERS.instanceClass] ??
      (declared === undefined ? undefined : String(declared)),
    engine: values[DATA_PARAMETERS.engine] ?? '',
    engineVersion: values[DATA_PARAMETERS.engineVersion] ?? '',
    requestedMin: overrides[SERVERLESS_PARAMETERS.minCapacity],
  });
  if (minCapacity !== undefined) values[SERVERLESS_PARAMETERS.minCapacity] = minCapacity;
  return values;
}
