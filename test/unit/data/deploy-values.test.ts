import { describe, expect, it } from 'vitest';
import {
  databaseValues,
  dataSourceProblem,
  needsDatabase,
} from '../../../src/data/deploy-values.js';
import { cloneChoice } from '../../fixtures/data.js';
import type { DataChoice } from '../../../src/data/source.js';
import type { LoadedTemplate } from '../../../src/template/render.js';
import { loadTemplate } from '../../../src/template/render.js';

const bundled = loadTemplate('templates/environment.yml');
const declaring = (names: string[], defaults: Record<string, string> = {}): LoadedTemplate => ({
  path: 'custom.yml',
  body: '{}',
  declared: new Set(names),
  template: {
    Resources: {},
    Parameters: Object.fromEntries(
      names.map((n) => [n, { Type: 'String', ...(defaults[n] && { Default: defaults[n] }) }]),
    ),
  },
});

const CLONE: DataChoice = {
  kind: 'clone',
  clone: cloneChoice(),
};

describe('what a deploy sends about its database', () => {
  it('the bundled template takes a snapshot or a clone', () => {
    expect(needsDatabase(bundled)).toBe(true);
    expect(dataSourceProblem(bundled, 'clone')).toBeUndefined();
  });

  it('refuses data-source clone with a template that cannot take a clone', () => {
    expect(dataSourceProblem(declaring(['DBSnapshotIdentifier']), 'clone')).toBe(
      '"data-source": clone needs a template that takes a clone source: template "custom.yml" does not declare DBCloneSourceCluster, DBCloneRestoreTime, DBCloneClusterName',
    );
    expect(dataSourceProblem(declaring(['DBSnapshotIdentifier']), 'snapshot')).toBeUndefined();
    expect(dataSourceProblem(declaring(['AppVersion']), 'clone')).toBeUndefined();
  });

  it('passes a pausing minimum for serverless instances, from the override or the default', () => {
    expect(databaseValues(bundled, CLONE, {})).not.toHaveProperty('DBServerlessMinCapacity');
    expect(databaseValues(bundled, CLONE, { DBInstanceClass: 'db.serverless' })).toMatchObject({
      DBServerlessMinCapacity: '0',
      DBCloneSourceCluster: 'prod-db',
      DBCloneRestoreTime: '2026-11-22T03:05:00Z',
    });
    const serverlessByDefault = declaring(['DBInstanceClass'], {
      DBInstanceClass: 'db.serverless',
    });
    expect(databaseValues(serverlessByDefault, CLONE, {})).toMatchObject({
      DBServerlessMinCapacity: '0',
    });
  });
});
