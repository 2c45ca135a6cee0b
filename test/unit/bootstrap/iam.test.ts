/** The small IAM evaluator the bootstrap tests rely on: it must be able to say no. */
import { describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../../src/template/cfn-yaml.js';
import { conditionHolds, evaluate, resolveTemplate, wildcardMatch, type Statement } from './iam.js';

describe('wildcardMatch', () => {
  it('matches * across slashes and ? as one character, anchored at both ends', () => {
    expect(wildcardMatch('arn:aws:s3:::b/pr-env/*', 'arn:aws:s3:::b/pr-env/x/y.json')).toBe(true);
    expect(wildcardMatch('stack/pr-env-*', 'stack/pr-env-shop-pr-7/uuid')).toBe(true);
    expect(wildcardMatch('stack/pr-env-*', 'stack/my-pr-env-x/uuid')).toBe(false);
    expect(wildcardMatch('a?c', 'abc')).toBe(true);
    expect(wildcardMatch('a?c', 'abbc')).toBe(false);
    expect(wildcardMatch('a.c', 'abc')).toBe(false);
  });

  it('ignores case only when asked (actions), not for resources', () => {
    expect(
      wildcardMatch('cloudformation:DescribeStacks', 'CloudFormation:describestacks', true),
    ).toBe(true);
    expect(wildcardMatch('stack/pr-env-*', 'stack/PR-ENV-x')).toBe(false);
  });
});

describe('conditionHolds', () => {
  it('needs every key to hold, any listed value to match, and a present key unless IfExists', () => {
    const condition = {
      StringEquals: { a: ['1', '2'] },
      StringLike: { b: 'x*' },
    };
    expect(conditionHolds(condition, { a: '2', b: 'xyz' })).toBe(true);
    expect(conditionHolds(condition, { a: '3', b: 'xyz' })).toBe(false);
    expect(conditionHolds(condition, { a: '1' })).toBe(false);
    expect(conditionHolds({ StringEqualsIfExists: { a: '1' } }, {})).toBe(true);
    expect(conditionHolds({ StringEqualsIfExists: { a: '1' } }, { a: '2' })).toBe(false);
  });

  it('refuses an operator it does not implement rather than ignore it', () => {
    expect(() => conditionHolds({ NumericLessThan: { n: '3' } }, { n: '1' })).toThrow(
      /does not know the operator NumericLessThan/,
    );
  });
});

describe('evaluate', () => {
  const statements: Statement[] = [
    { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' },
    { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
  ];

  it('lets an explicit Deny win over an Allow, and denies what nothing allows', () => {
    expect(evaluate(statements, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' })).toBe(
      'allow',
    );
    expect(evaluate(statements, { action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/k' })).toBe(
      'explicit-deny',
    );
    expect(evaluate(statements, { action: 's3:GetObject', resource: 'arn:aws:s3:::c/k' })).toBe(
      'implicit-deny',
    );
  });

  it('honours NotAction and NotResource', () => {
    const not: Statement[] = [
      { Effect: 'Allow', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::secret/*' },
    ];
    expect(evaluate(not, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' })).toBe('allow');
    expect(evaluate(not, { action: 'iam:PassRole', resource: 'arn:aws:s3:::b/k' })).toBe(
      'implicit-deny',
    );
    expect(evaluate(not, { action: 's3:GetObject', resource: 'arn:aws:s3:::secret/k' })).toBe(
      'implicit-deny',
    );
  });
});

describe('resolveTemplate', () => {
  const template: CfnTemplate = {
    Parameters: { Prefix: { Type: 'String', Default: 'pr-env' }, Key: { Type: 'String' } },
    Conditions: { HasKey: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Key' }, ''] }] } },
    Resources: {
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Path: '/p/',
          Items: [
            { 'Fn::Sub': 'arn:${AWS::Partition}:x:${AWS::Region}::${Prefix}-*' },
            { 'Fn::If': ['HasKey', { Ref: 'Key' }, { Ref: 'AWS::NoValue' }] },
          ],
        },
      },
      Other: {
        Type: 'AWS::S3::Bucket',
        Condition: 'HasKey',
        Properties: { Tag: { 'Fn::GetAtt': ['Role', 'Arn'] } },
      },
    },
  };

  it('evaluates Sub, Ref, GetAtt, If with NoValue, and skips resources whose condition fails', () => {
    const without = resolveTemplate(template, { parameters: { Key: '' }, stackName: 's' });
    expect(without.resources.Role?.Properties.Items).toEqual(['arn:aws:x:us-east-1::pr-env-*']);
    expect(without.resources).not.toHaveProperty('Other');
    const withKey = resolveTemplate(template, { parameters: { Key: 'k' }, stackName: 's' });
    expect(withKey.resources.Role?.Properties.Items).toEqual([
      'arn:aws:x:us-east-1::pr-env-*',
      'k',
    ]);
    expect(withKey.resources.Other?.Properties.Tag).toBe(
      'arn:aws:iam::123456789012:role/p/s-Role-1A2B3C4D5E6F',
    );
  });

  it('refuses parameters the template does not declare, and required ones left out', () => {
    expect(() => resolveTemplate(template, { parameters: { Key: '', Nope: 'x' } })).toThrow(
      /declares no parameter Nope/,
    );
    expect(() => resolveTemplate(template, { parameters: {} })).toThrow(/Key has no value/);
  });
});
