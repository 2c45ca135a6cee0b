/**
 * The scrub's gate in the bundled template: until the scrub has passed (DBAppAccess closed) the
 * database admits the bastion only, and the bastion may read the SQL and the database's secret,
 * nothing more; and an update that replaces the cluster closes the gate before the new cluster
 * exists, because the cluster references the group the gate is in.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/cfn-yaml.js';
import { SCRUB_PARAMETERS } from '../../../src/scrub/state.js';
import { transitiveDependencies, webTierResources } from '../../helpers/template-graph.js';
import { NO_VALUE, templateValues, type Values } from '../../helpers/template-values.js';

const TEMPLATE_PATH = fileURLToPath(new URL('../../../templates/environment.yml', import.meta.url));
const template = parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'), TEMPLATE_PATH);
const { resolve, withDefaults } = templateValues(template);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const props = (id: string): Loose => template.Resources[id]?.Properties ?? {};
const URI = 's3://pr-env-templates/pr-env/pr-env-shop-pr-7/scrub/abc.sql';
const values = (extra: Values): Values =>
  withDefaults({ EnvironmentName: 'pr-env-shop-pr-7', DBEngine: 'aurora-postgresql', ...extra });

const dbSources = (v: Values) =>
  (resolve(props('DBSecurityGroup').SecurityGroupIngress, v) as Array<Record<string, unknown>>).map(
    (rule) => rule.SourceSecurityGroupId,
  );

describe('the scrub gate', () => {
  it('declares the parameters pr-env sets, defaulting to no scrub and an open database', () => {
    for (const key of Object.values(SCRUB_PARAMETERS))
      expect(template.Parameters).toHaveProperty(key);
    expect(template.Parameters?.DBAppAccess).toMatchObject({
      Default: 'open',
      AllowedValues: ['open', 'closed'],
    });
    expect(dbSources(values({}))).toEqual([
      { Ref: 'WebSecurityGroup' },
      { Ref: 'BastionSecurityGroup' },
    ]);
  });

  it('admits the bastion only while closed', () => {
    expect(dbSources(values({ DBAppAccess: 'closed' }))).toEqual([{ Ref: 'BastionSecurityGroup' }]);
  });

  it('lets the bastion read that one SQL object and the database secret, only with a scrub', () => {
    expect(resolve(props('BastionRole').Policies, values({}))).toBe(NO_VALUE);
    const [policy] = resolve(
      props('BastionRole').Policies,
      values({ DBScrubSqlS3Uri: URI }),
    ) as Loose[];
    const statements = policy.PolicyDocument.Statement as Loose[];
    expect(statements.map((s) => [s.Action, s.Resource])).toEqual([
      ['s3:GetObject', 'arn:aws:s3:::pr-env-templates/pr-env/pr-env-shop-pr-7/scrub/abc.sql'],
      ['secretsmanager:GetSecretValue', { Ref: 'DBSecret' }],
    ]);
  });

  it('is in the group the cluster references, so a replacing update closes it before the new cluster', () => {
    expect(props('DBCluster').VpcSecurityGroupIds).toEqual([{ Ref: 'DBSecurityGroup' }]);
    // And the web tier waits for none of it: the URL still answers before the data.
    for (const id of webTierResources(template)) {
      expect(transitiveDependencies(template, id).has('DBCluster')).toBe(false);
    }
  });

  it('accepts only s3:// URIs for the SQL', () => {
    const pattern = new RegExp(String(template.Parameters?.DBScrubSqlS3Uri?.AllowedPattern));
    expect(pattern.test('')).toBe(true);
    expect(pattern.test(URI)).toBe(true);
    expect(pattern.test('https://example.com/x.sql')).toBe(false);
    expect(pattern.test('s3://bucket/has space.sql')).toBe(false);
  });
});
