/**
 * Aurora Serverless v2: which engine versions scale to 0 ACU (and pause when idle), and the
 * capacity an environment's serverless instances get. Pure.
 *
 * AWS (Aurora user guide, "Scaling to zero ACUs with automatic pause and resume", November 2024):
 * Aurora PostgreSQL 16.3, 15.7, 14.12, 13.15 and later minor versions of each (and every 17.x);
 * Aurora MySQL 3.08.0 and later. Older versions start at 0.5 ACU.
 */

export const SERVERLESS_CLASS = 'db.serverless';

/** The template parameters of Serverless v2 capacity. */
export const SERVERLESS_PARAMETERS = {
  instanceClass: 'DBInstanceClass',
  minCapacity: 'DBServerlessMinCapacity',
} as const;

/** Lowest minor version per PostgreSQL major that can pause; a later major always can. */
const POSTGRES_PAUSE_FROM: Record<number, number> = { 13: 15, 14: 12, 15: 7, 16: 3 };
const POSTGRES_ALWAYS_FROM = 17;
const MYSQL_PAUSE_FROM = [3, 8, 0];

function numbers(version: string): number[] {
  return version.split('.').map((part) => Number.parseInt(part, 10));
}

/** Whether `a` ≥ `b`, part by part. */
function atLeast(a: number[], b: number[]): boolean {
  for (let i = 0; i < b.length; i++) {
    const x = a[i] ?? 0;
    if (Number.isNaN(x)) return false;
    if (x !== b[i]) return x > b[i]!;
  }
  return true;
}

/** Whether a Serverless v2 instance of this engine version can scale to 0 ACU and pause. */
export function scalesToZero(engine: string, version: string): boolean {
  if (engine === 'aurora-postgresql') {
    const [major = NaN, minor = 0] = numbers(version);
    if (major >= POSTGRES_ALWAYS_FROM) return true;
    const from = POSTGRES_PAUSE_FROM[major];
    return from !== undefined && minor >= from;
  }
  if (engine === 'aurora-mysql') {
    // 8.0.mysql_aurora.3.08.0: the Aurora version follows "mysql_aurora.".
    const aurora = /mysql_aurora\.([0-9.]+)$/.exec(version)?.[1];
    return aurora !== undefined && atLeast(numbers(aurora), MYSQL_PAUSE_FROM);
  }
  return false;
}

export interface ServerlessRequest {
  /** DBInstanceClass as the stack will have it (the user's override, else the template's default). */
  instanceClass: string | undefined;
  engine: string;
  engineVersion: string;
  /** DBServerlessMinCapacity when the user set it. */
  requestedMin?: string;
}

/**
 * The minimum capacity pr-env passes for serverless instances: 0 (pausing when idle, so an idle
 * environment's database costs storage only) where the engine version allows it, else 0.5, the
 * lowest it can. Undefined for provisioned instances, or when the user chose a minimum, which is
 * checked instead: 0 on a version that cannot pause would fail minutes into the deploy.
 */
export function serverlessMinCapacity(request: ServerlessRequest): string | undefined {
  if (request.instanceClass !== SERVERLESS_CLASS) return undefined;
  const canPause = scalesToZero(request.engine, request.engineVersion);
  if (request.requestedMin !== undefined) {
    if (Number(request.requestedMin) === 0 && !canPause) {
      throw new Error(
        `"parameters": ${SERVERLESS_PARAMETERS.minCapacity}=${request.requestedMin} needs an engine version that scales to 0 ACU (Aurora PostgreSQL 13.15, 14.12, 15.7, 16.3 or later, Aurora MySQL 3.08.0 or later); the database is ${request.engine} ${request.engineVersion}: expected 0.5 or more`,
      );
    }
    return undefined;
  }
  return canPause ? '0' : '0.5';
}
