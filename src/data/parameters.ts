/**
 * The names the database's origin goes by: the `data-source` input's values, and the template
 * parameters that carry the origin (pr-env passes them on every deploy and reads them back from the
 * stack on update, so that an update keeps the data). Constants only: the inputs load this early.
 */

export const DATA_SOURCES = ['snapshot', 'clone'] as const;
/** Where an environment's database comes from: a restored snapshot, or an Aurora clone. */
export type DataSource = (typeof DATA_SOURCES)[number];

/** The parameters of a snapshot restore; read back to pin it on update. */
export const SNAPSHOT_PARAMETERS = {
  snapshot: 'DBSnapshotIdentifier',
  engine: 'DBEngine',
  engineVersion: 'DBEngineVersion',
} as const;

export const DATA_PARAMETERS = {
  ...SNAPSHOT_PARAMETERS,
  cloneSource: 'DBCloneSourceCluster',
  cloneRestoreTime: 'DBCloneRestoreTime',
  cloneClusterName: 'DBCloneClusterName',
  masterUsername: 'DBMasterUsername',
} as const;
