import { describe, expect, it } from 'vitest';
import { evaluate, list, type PolicyDocument } from './iam.js';
import { bootstrap, resolved } from './template.js';

const setup = resolved();
const bucket = setup.resources.TemplateBucket!;
const bucketName = setup.physical.TemplateBucket!.ref;

describe('the template bucket', () => {
  it('encrypts every object at rest with SSE-S3, which CloudFormation reads without KMS', () => {
    expect(bucket.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
      ],
    });
  });

  it('blocks every kind of public access and disables ACLs', () => {
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    });
  });

  it('expires rendered templates after TemplateRetentionDays (7 by default) and aborts stale uploads', () => {
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: unknown[] }).Rules;
    expect(rules).toEqual([
      {
        Id: 'expire-rendered-templates',
        Status: 'Enabled',
        ExpirationInDays: '7',
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
    const shorter = resolved({ TemplateRetentionDays: '1' }).resources.TemplateBucket!;
    expect(shorter.Properties.LifecycleConfiguration).toMatchObject({
      Rules: [{ ExpirationInDays: '1' }],
    });
    // No prefix filter: the rule covers the whole bucket.
    expect(rules[0]).not.toHaveProperty('Prefix');
    expect(rules[0]).not.toHaveProperty('Filter');
  });

  it('refuses any request that is not over TLS', () => {
    const policy = setup.resources.TemplateBucketPolicy!.Properties
      .PolicyDocument as PolicyDocument;
    expect(setup.resources.TemplateBucketPolicy!.Properties.Bucket).toBe(bucketName);
    const object = `arn:aws:s3:::${bucketName}/pr-env/pr-env-shop-pr-7/t.json`;
    for (const resource of [object, `arn:aws:s3:::${bucketName}`]) {
      expect(
        evaluate(policy.Statement, {
          action: 's3:GetObject',
          resource,
          context: { 'aws:SecureTransport': 'false' },
        }),
      ).toBe('explicit-deny');
      expect(
        evaluate(policy.Statement, {
          action: 's3:GetObject',
          resource,
          context: { 'aws:SecureTransport': 'true' },
        }),
      ).toBe('implicit-deny');
    }
    // It grants nothing to anyone: access comes from the deploy role's own policy.
    expect(policy.Statement.every((s) => s.Effect === 'Deny')).toBe(true);
    expect(policy.Statement.flatMap((s) => list(s.Resource))).toHaveLength(2);
  });

  it('survives the setup stack’s deletion instead of failing it while it still holds objects', () => {
    expect(bootstrap.Resources.TemplateBucket).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('the setup’s outputs', () => {
  it('give every value the example workflows read from repository variables', () => {
    expect(setup.outputs).toEqual({
      DeployRoleArn:
        'arn:aws:iam::123456789012:role/prenv/pr-env-setup-shop-DeployRole-1A2B3C4D5E6F',
      ServiceRoleArn:
        'arn:aws:iam::123456789012:role/prenv/pr-env-setup-shop-ServiceRole-1A2B3C4D5E6F',
      TemplateBucketName: bucketName,
      StackPrefix: 'pr-env',
      SourceDBCluster: 'prod-db',
      Region: 'us-east-1',
      OidcProviderArn:
        'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
    });
  });
});
