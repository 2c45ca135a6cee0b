/**
 * The environment's database in templates/environment.yml: its own master password in a secret
 * the stack owns, the one grant the web instances get to it, and the cluster restored from a
 * snapshot or cloned copy-on-write, as the action's parameters say (data-source).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/cfn-yaml.js';
import { dataParameters } from '../../../src/data/source.js';
import { cloneChoice } from '../../fixtures/data.js';
import { templateValues, type Values } from '../../helpers/template-values.js';
import { resourcesOfType } from '../../helpers/template-graph.js';

const TEMPLATE_PATH = fileURLToPath(new URL('../../../templates/environment.yml', import.meta.url));
const template = parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'), TEMPLATE_PATH);
const { properties, condition, withDefaults } = templateValues(template);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const COMMON = {
  EnvironmentName: 'pr-env-shop-pr-7',
  PullRequestNumber: '7',
  AppVersion: '0123456789abcdef0123456789abcdef01234567',
  'AWS::StackName': 'pr-env-shop-pr-7',
  'AWS::StackId':
    'arn:aws:cloudformation:us-east-1:123456789012:stack/pr-env-shop-pr-7/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
};

/** What the action passes for a snapshot restore and for a clone (src/data/source.ts). */
const SNAPSHOT: Values = {
  ...COMMON,
  ...dataParameters({
    kind: 'snapshot',
    masterUsername: 'postgres',
    snapshot: {
      arn: 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:rds:prod-db-2026-11-22-03-00',
      identifier: 'rds:prod-db-2026-11-22-03-00',
      engine: 'aurora-postgresql',
      engineVersion: '16.4',
      source: 'newest',
    },
  }),
};
const CLONE: Values = {
  ...COMMON,
  ...dataParameters({
    kind: 'clone',
    clone: cloneChoice(),
  }),
};

describe("the environment's own master password", () => {
  const secret = template.Resources.DBSecret!;

  it('is generated into a secret the stack owns, deleted with it, for the inherited master user', () => {
    expect(secret.Type).toBe('AWS::SecretsManager::Secret');
    expect(secret.DeletionPolicy ?? 'Delete').toBe('Delete');
    const generated = (properties('DBSecret', SNAPSHOT) as Loose).GenerateSecretString;
    expect(generated).toMatchObject({
      GenerateStringKey: 'password',
      PasswordLength: 32,
      ExcludePunctuation: true,
    });
    expect((properties('DBSecret', SNAPSHOT) as Loose).Name).toBe('pr-env-shop-pr-7-db-0f1e2d3c');
    expect(generated.SecretStringTemplate).toEqual({
      'Fn::Sub': '{"username":"${DBMasterUsername}"}',
    });
    // No SecretString in the template: the password exists only in Secrets Manager.
    expect(secret.Properties).not.toHaveProperty('SecretString');
  });

  it('is created before the cluster and waits for nothing of the database', () => {
    expect(secret.DependsOn).toBeUndefined();
    expect(JSON.stringify(secret.Properties)).not.toMatch(/DBCluster|DBWriter|DBReader/);
  });

  it('is the cluster’s password, by dynamic reference, and never by RDS-managed secret', () => {
    const cluster = template.Resources.DBCluster!.Properties!;
    expect(cluster.MasterUserPassword).toEqual({
      'Fn::Sub': '{{resolve:secretsmanager:${DBSecret}:SecretString:password}}',
    });
    // ManageMasterUserPassword would put the ARN behind GetAtt DBCluster.MasterUserSecret.
    expect(cluster).not.toHaveProperty('ManageMasterUserPassword');
    expect(cluster).not.toHaveProperty('MasterUsername');
  });

  it('gets the cluster’s endpoint written into it once the cluster exists', () => {
    expect(template.Resources.DBSecretTargetAttachment).toEqual({
      Type: 'AWS::SecretsManager::SecretTargetAttachment',
      Properties: {
        SecretId: { Ref: 'DBSecret' },
        TargetId: { Ref: 'DBCluster' },
        TargetType: 'AWS::RDS::DBCluster',
      },
    });
  });

  it('is an output, by ARN: the comment says how to fetch it', () => {
    expect(template.Outputs?.DBSecretArn?.Value).toEqual({ Ref: 'DBSecret' });
  });
});

describe('the web instances may read that one secret, and nothing else', () => {
  const policy = template.Resources.InstanceDatabaseSecretPolicy!;

  it('in a policy of its own on the instance role', () => {
    expect(policy.Type).toBe('AWS::IAM::Policy');
    expect(policy.Properties!.Roles).toEqual([{ Ref: 'InstanceRole' }]);
    expect((policy.Properties!.PolicyDocument as Loose).Statement).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: 'DBSecret' } },
    ]);
  });

  it('is, with the scrub’s, the only grant of Secrets Manager in the template, and the boot waits for it', () => {
    const grants = JSON.stringify(template.Resources).match(/secretsmanager:[A-Za-z*]+/g);
    // The instances', and the bastion's while a scrub is configured (scrub-gate.test.ts).
    expect(grants).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:GetSecretValue']);
    expect(template.Resources.AutoScalingGroup!.DependsOn).toContain(
      'InstanceDatabaseSecretPolicy',
    );
  });

  it('reaches no other policy: the bastion gets no standing access to the secret', () => {
    const attached = resourcesOfType(template, 'AWS::IAM::Policy').filter((id) =>
      JSON.stringify(template.Resources[id]!.Properties?.Roles).includes('BastionRole'),
    );
    expect(attached).toEqual([]);
  });
});

describe('the cluster, from a snapshot or a clone', () => {
  it('restores the snapshot with data-source snapshot', () => {
    expect(condition('IsClone', withDefaults(SNAPSHOT))).toBe(false);
    const cluster = properties('DBCluster', SNAPSHOT) as Loose;
    expect(cluster).toMatchObject({
      SnapshotIdentifier: SNAPSHOT.DBSnapshotIdentifier,
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
    });
    for (const clone of [
      'SourceDBClusterIdentifier',
      'RestoreType',
      'UseLatestRestorableTime',
      'RestoreToTime',
      'DBClusterIdentifier',
    ]) {
      expect(cluster).not.toHaveProperty(clone);
    }
    expect(cluster.Tags).toEqual([{ Key: 'Name', Value: 'pr-env-shop-pr-7' }]);
  });

  it('clones the source copy-on-write at its latest restorable time with data-source clone', () => {
    expect(condition('IsClone', withDefaults(CLONE))).toBe(true);
    const cluster = properties('DBCluster', CLONE) as Loose;
    expect(cluster).toMatchObject({
      SourceDBClusterIdentifier: 'prod-db',
      RestoreType: 'copy-on-write',
      UseLatestRestorableTime: true,
      DBClusterIdentifier: 'pr-env-shop-pr-7-20261122t031042',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
    });
    // Without RestoreType, RDS makes a full copy; with RestoreToTime it refuses copy-on-write.
    expect(cluster).not.toHaveProperty('SnapshotIdentifier');
    expect(cluster).not.toHaveProperty('RestoreToTime');
    expect(cluster.Tags).toContainEqual({
      Key: 'pr-env:cloned-from',
      Value: { 'Fn::Sub': '${DBCloneSourceCluster}@${DBCloneRestoreTime}' },
    });
  });

  it('keeps its secret, grant, and instances whichever the source', () => {
    for (const values of [SNAPSHOT, CLONE]) {
      expect(properties('DBWriterInstance', values)).toMatchObject({
        DBClusterIdentifier: { Ref: 'DBCluster' },
      });
      expect((properties('DBCluster', values) as Loose).MasterUserPassword).toBeDefined();
    }
  });
});

describe('Serverless v2', () => {
  const serverless = (values: Values) =>
    (properties('DBCluster', { ...SNAPSHOT, DBInstanceClass: 'db.serverless', ...values }) as Loose)
      .ServerlessV2ScalingConfiguration;

  it('scales provisioned instances not at all', () => {
    expect((properties('DBCluster', SNAPSHOT) as Loose).ServerlessV2ScalingConfiguration).toBe(
      undefined,
    );
  });

  it('scales db.serverless between its capacities, pausing after the idle time at 0 ACU', () => {
    expect(serverless({ DBServerlessMinCapacity: '0' })).toEqual({
      MinCapacity: '0',
      MaxCapacity: 4,
      SecondsUntilAutoPause: 300,
    });
    expect(serverless({ DBServerlessMinCapacity: '0.5' })).toEqual({
      MinCapacity: '0.5',
      MaxCapacity: 4,
    });
  });
});
