/**
 * templates/production-share.yml: valid against the CloudFormation specification, carrying the
 * function built from src/share/ as it is now, and granting that function exactly the calls it
 * makes, on production's snapshots only as far as it needs and on its own copies for anything
 * that changes them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/cfn-yaml.js';
import { loadCfnSpec, validateTemplate, type CfnSpec } from '../../helpers/cfn-spec.js';
import {
  ACCOUNT,
  REGION,
  allowedActions,
  evaluate,
  resolveTemplate,
  roleStatements,
  type Statement,
} from '../bootstrap/iam.js';
// @ts-expect-error: a plain ES module script, without types.
import { buildShareFunction } from '../../../scripts/share-function.mjs';

const PATH = fileURLToPath(new URL('../../../templates/production-share.yml', import.meta.url));
const TEXT = readFileSync(PATH, 'utf8');
const template = parseTemplate(TEXT, PATH);
const SANDBOX = '210987654321';
const STACK = 'pr-env-share-prod-db';
const setup = resolveTemplate(template, {
  parameters: { SourceDBCluster: 'prod-db', SandboxAccountId: SANDBOX },
  stackName: STACK,
});
const role = roleStatements(setup.resources.ShareFunctionRole!);
const snapshot = (id: string) => `arn:aws:rds:${REGION}:${ACCOUNT}:cluster-snapshot:${id}`;
const ownTag = { 'rds:cluster-snapshot-tag/pr-env:share-stack': STACK };

let spec: CfnSpec;
beforeAll(async () => {
  spec = await loadCfnSpec();
});

describe('templates/production-share.yml', () => {
  it('is valid against the CloudFormation specification', () => {
    expect(validateTemplate(template, spec)).toEqual([]);
  });

  it('carries the share function as src/share/ builds now (npm run bundle)', async () => {
    const code = template.Resources.ShareFunction?.Properties?.Code as { ZipFile?: string };
    const inline = String(code.ZipFile ?? '');
    expect(inline.trim()).toBe(await buildShareFunction());
    expect(template.Resources.ShareFunction?.Properties?.Runtime).toBe('nodejs22.x');
  });

  it('lets the sandbox account only describe the share key and restore through RDS with it', () => {
    const statements = (
      setup.resources.ShareKey!.Properties.KeyPolicy as { Statement: Statement[] }
    ).Statement;
    const sandbox = statements.filter((s) =>
      JSON.stringify(s.Principal).includes(`:${SANDBOX}:root`),
    );
    expect(sandbox.flatMap((s) => [s.Action].flat()).sort()).toEqual(
      [
        'kms:CreateGrant',
        'kms:Decrypt',
        'kms:DescribeKey',
        'kms:GenerateDataKeyWithoutPlaintext',
      ].sort(),
    );
    expect(sandbox.find((s) => [s.Action].flat().includes('kms:CreateGrant'))?.Condition).toEqual({
      Bool: { 'kms:GrantIsForAWSResource': true },
    });
  });
});

describe('the share function’s role', () => {
  it('grants the calls src/share/ makes, and nothing else', () => {
    const source = readFileSync(
      fileURLToPath(new URL('../../../src/share/handler.ts', import.meta.url)),
      'utf8',
    );
    const calls = [...source.matchAll(/new\s+(\w+)Command\s*\(/g)].map((m) => `rds:${m[1]}`);
    const granted = new Set(allowedActions(role).filter((a) => a.startsWith('rds:')));
    expect([...granted].sort()).toEqual(
      [...new Set(calls.map((c) => c.toLowerCase())), 'rds:addtagstoresource'].sort(),
    );
  });

  it('reads the cluster’s snapshots and copies an automated one into a tagged copy', () => {
    const allow = (action: string, resource: string, context?: Record<string, string>) =>
      evaluate(role, { action, resource, context });
    expect(
      allow('rds:DescribeDBClusterSnapshots', `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:prod-db`),
    ).toBe('allow');
    expect(allow('rds:CopyDBClusterSnapshot', snapshot('rds:prod-db-2026-11-22-03-00'))).toBe(
      'allow',
    );
    expect(
      allow('rds:CopyDBClusterSnapshot', snapshot('pr-env-share-prod-db-2026-11-22-03-00')),
    ).toBe('allow');
    expect(allow('rds:CopyDBClusterSnapshot', snapshot('rds:billing-2026-11-22-03-00'))).not.toBe(
      'allow',
    );
    expect(
      allow('rds:AddTagsToResource', snapshot('pr-env-share-prod-db-1'), {
        'aws:RequestTag/pr-env:share-stack': STACK,
      }),
    ).toBe('allow');
    expect(allow('rds:AddTagsToResource', snapshot('pr-env-share-prod-db-1'))).not.toBe('allow');
  });

  it('shares and deletes only its own copies: by name and by its stack’s tag', () => {
    for (const action of ['rds:ModifyDBClusterSnapshotAttribute', 'rds:DeleteDBClusterSnapshot']) {
      expect(
        evaluate(role, { action, resource: snapshot('pr-env-share-prod-db-1'), context: ownTag }),
      ).toBe('allow');
      // Untagged, another share stack's, production's automated or manual snapshots: never.
      expect(evaluate(role, { action, resource: snapshot('pr-env-share-prod-db-1') })).not.toBe(
        'allow',
      );
      expect(
        evaluate(role, {
          action,
          resource: snapshot('pr-env-share-prod-db-1'),
          context: { 'rds:cluster-snapshot-tag/pr-env:share-stack': 'another' },
        }),
      ).not.toBe('allow');
      expect(
        evaluate(role, {
          action,
          resource: snapshot('rds:prod-db-2026-11-22-03-00'),
          context: ownTag,
        }),
      ).not.toBe('allow');
      expect(
        evaluate(role, { action, resource: snapshot('before-upgrade'), context: ownTag }),
      ).not.toBe('allow');
    }
    for (const action of ['rds:DeleteDBCluster', 'rds:ModifyDBCluster', 'rds:DeleteDBInstance']) {
      expect(
        evaluate(role, { action, resource: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:prod-db` }),
      ).not.toBe('allow');
    }
  });

  it('uses the share key only through RDS', () => {
    const key = setup.physical.ShareKey!.attributes.Arn!;
    const viaRds = { 'kms:ViaService': `rds.${REGION}.amazonaws.com` };
    expect(evaluate(role, { action: 'kms:CreateGrant', resource: key, context: viaRds })).toBe(
      'allow',
    );
    expect(evaluate(role, { action: 'kms:Decrypt', resource: key })).not.toBe('allow');
  });
});
