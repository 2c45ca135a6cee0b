import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/cfn-yaml.js';
import {
  bodySize,
  buildParameters,
  checkOverrides,
  checkTemplateSize,
  loadTemplate,
  TEMPLATE_BODY_LIMIT,
  templateSource,
  type UploadTarget,
} from '../../../src/template/render.js';

describe('parseTemplate', () => {
  it('turns every short-form intrinsic into its long form', () => {
    const template = parseTemplate(
      `
AWSTemplateFormatVersion: 2010-09-09
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  NotProd: !Not [!Condition IsProd]
  Either: !Or [!Condition IsProd, !Condition NotProd]
  Both: !And [!Condition IsProd, !Condition NotProd]
Resources:
  Thing:
    Type: AWS::EC2::Instance
    Properties:
      A: !Ref Vpc
      B: !GetAtt Database.Endpoint.Address
      C: !GetAtt [Database, Endpoint.Port]
      D: !Sub '\${AWS::StackName}-web'
      E: !Sub ['\${X}-y', { X: !Ref Stage }]
      F: !Join ['', [a, !Ref Stage]]
      G: !Select [0, !GetAZs '']
      H: !If [IsProd, !Ref AWS::NoValue, 3]
      I: !Base64 { 'Fn::Sub': 'echo hi' }
      J: !FindInMap [Map, !Ref AWS::Region, Ami]
      K: !Split [',', 'a,b']
      L: !Cidr [10.0.0.0/16, 4, 8]
      M: !ImportValue shared-vpc
      N: !Transform { Name: AWS::Include, Parameters: { Location: s3://b/k } }
      O: !Length [1, 2]
      P: !ToJsonString { a: 1 }
`,
      'test.yml',
    );
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(template.Conditions).toEqual({
      IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] },
      NotProd: { 'Fn::Not': [{ Condition: 'IsProd' }] },
      Either: { 'Fn::Or': [{ Condition: 'IsProd' }, { Condition: 'NotProd' }] },
      Both: { 'Fn::And': [{ Condition: 'IsProd' }, { Condition: 'NotProd' }] },
    });
    expect(template.Resources.Thing!.Properties).toEqual({
      A: { Ref: 'Vpc' },
      B: { 'Fn::GetAtt': ['Database', 'Endpoint.Address'] },
      C: { 'Fn::GetAtt': ['Database', 'Endpoint.Port'] },
      D: { 'Fn::Sub': '${AWS::StackName}-web' },
      E: { 'Fn::Sub': ['${X}-y', { X: { Ref: 'Stage' } }] },
      F: { 'Fn::Join': ['', ['a', { Ref: 'Stage' }]] },
      G: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
      H: { 'Fn::If': ['IsProd', { Ref: 'AWS::NoValue' }, 3] },
      I: { 'Fn::Base64': { 'Fn::Sub': 'echo hi' } },
      J: { 'Fn::FindInMap': ['Map', { Ref: 'AWS::Region' }, 'Ami'] },
      K: { 'Fn::Split': [',', 'a,b'] },
      L: { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] },
      M: { 'Fn::ImportValue': 'shared-vpc' },
      N: { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k' } } },
      O: { 'Fn::Length': [1, 2] },
      P: { 'Fn::ToJsonString': { a: 1 } },
    });
  });

  it('reads a GetAtt without an attribute as a one-element list', () => {
    expect(
      parseTemplate('Resources: { R: { Type: T, Properties: { A: !GetAtt Lonely } } }', 't')
        .Resources.R,
    ).toEqual({
      Type: 'T',
      Properties: { A: { 'Fn::GetAtt': ['Lonely'] } },
    });
  });

  it('reads JSON templates too', () => {
    const json = JSON.stringify({
      Resources: { R: { Type: 'AWS::SNS::Topic' } },
      Outputs: { O: { Value: { Ref: 'R' } } },
    });
    expect(parseTemplate(json, 't.json').Outputs).toEqual({ O: { Value: { Ref: 'R' } } });
  });

  it('names the file it could not parse', () => {
    expect(() => parseTemplate('Resources: [unclosed', 'infra/bad.yml')).toThrow(
      /^Could not parse template "infra\/bad.yml" as YAML: /,
    );
  });

  it('refuses what is not a template', () => {
    expect(() => parseTemplate('- a\n- b', 'list.yml')).toThrow(
      'Template "list.yml" is not a CloudFormation template: expected a mapping',
    );
    expect(() => parseTemplate('', 'empty.yml')).toThrow(/template "empty\.yml"/);
    expect(() => parseTemplate('just text', 'scalar.yml')).toThrow('expected a mapping');
    expect(() => parseTemplate('Parameters: {}', 'nores.yml')).toThrow(
      'Template "nores.yml" has no "Resources" section',
    );
  });
});

describe('rendering', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pr-env-template-'));
  });

  function write(name: string, text: string): string {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  const small = `
Parameters:
  EnvironmentName: { Type: String }
  InstanceType: { Type: String, Default: t3.micro }
  DBSnapshotIdentifier: { Type: String }
Resources:
  Topic: { Type: AWS::SNS::Topic, Properties: { TopicName: !Ref EnvironmentName } }
`;

  /** A template whose JSON body is exactly `bytes` bytes long. */
  function templateOfSize(name: string, bytes: number, filler = 'x'): string {
    const skeleton = { Description: '', Resources: { T: { Type: 'AWS::SNS::Topic' } } };
    const room = bytes - Buffer.byteLength(JSON.stringify(skeleton));
    const unit = Buffer.byteLength(filler);
    if (room % unit !== 0) throw new Error('filler does not divide the room');
    const description = filler.repeat(room / unit);
    return write(
      name,
      `Description: '${description}'\nResources:\n  T: { Type: AWS::SNS::Topic }\n`,
    );
  }

  describe('loadTemplate', () => {
    it('loads a template with its JSON body and declared parameters', () => {
      const loaded = loadTemplate(write('small.yml', small));
      expect([...loaded.declared].sort()).toEqual([
        'DBSnapshotIdentifier',
        'EnvironmentName',
        'InstanceType',
      ]);
      expect(JSON.parse(loaded.body)).toEqual(loaded.template);
      expect(JSON.parse(loaded.body).Resources.Topic.Properties.TopicName).toEqual({
        Ref: 'EnvironmentName',
      });
    });

    it('names a template it cannot read', () => {
      const missing = path.join(dir, 'nope.yml');
      expect(() => loadTemplate(missing)).toThrow(`Could not read template "${missing}"`);
    });
  });

  describe('checkOverrides / buildParameters', () => {
    it('refuses overrides the template does not declare, listing what it does', () => {
      const loaded = loadTemplate(write('small2.yml', small));
      expect(() => checkOverrides(loaded, { InstanceType: 't3.large', Colour: 'red' })).toThrow(
        `"parameters": "Colour" is not declared by template "${loaded.path}": expected one of DBSnapshotIdentifier, EnvironmentName, InstanceType`,
      );
      expect(() => checkOverrides(loaded, { A: '1', B: '2' })).toThrow('"A", "B" are not declared');
      expect(() => checkOverrides(loaded, { InstanceType: 'x' })).not.toThrow();
    });

    it('says (none) for a template without parameters', () => {
      const loaded = loadTemplate(write('bare.yml', 'Resources: { T: { Type: AWS::SNS::Topic } }'));
      expect(() => checkOverrides(loaded, { X: '1' })).toThrow('expected one of (none)');
    });

    it('passes only the declared action values, then the overrides on top', () => {
      const loaded = loadTemplate(write('small3.yml', small));
      const parameters = buildParameters(
        loaded,
        { EnvironmentName: 'pr-env-shop-pr-1', PullRequestNumber: '1', InstanceType: 't3.micro' },
        { InstanceType: 't3.large' },
      );
      expect(parameters).toEqual([
        { ParameterKey: 'EnvironmentName', ParameterValue: 'pr-env-shop-pr-1' },
        { ParameterKey: 'InstanceType', ParameterValue: 't3.large' },
      ]);
    });

    it('checks the overrides before building', () => {
      const loaded = loadTemplate(write('small4.yml', small));
      expect(() => buildParameters(loaded, {}, { Nope: '1' })).toThrow('"Nope" is not declared');
    });
  });

  describe('size', () => {
    it('counts bytes, not characters', () => {
      const loaded = loadTemplate(
        write('utf8.yml', "Description: 'é'\nResources: { T: { Type: X } }"),
      );
      expect(bodySize(loaded)).toBe(Buffer.byteLength(loaded.body, 'utf8'));
      expect(bodySize(loaded)).toBe(loaded.body.length + 1);
    });

    it('accepts 51,200 bytes inline and refuses one more without a bucket', () => {
      const exact = loadTemplate(templateOfSize('exact.yml', TEMPLATE_BODY_LIMIT));
      expect(bodySize(exact)).toBe(51_200);
      expect(() => checkTemplateSize(exact, undefined)).not.toThrow();
      const over = loadTemplate(templateOfSize('over.yml', TEMPLATE_BODY_LIMIT + 1));
      expect(() => checkTemplateSize(over, undefined)).toThrow(
        `Template "${over.path}" renders to 51201 bytes, over CloudFormation's 51200-byte limit for an inline body: set "template-bucket"`,
      );
      expect(() => checkTemplateSize(over, 'bucket')).not.toThrow();
    });
  });

  describe('templateSource', () => {
    const s3Mock = mockClient(S3Client);
    let made = 0;
    const upload = (bucket: string | undefined): UploadTarget => ({
      s3: async () => {
        made += 1;
        return new S3Client({ region: 'eu-west-1' });
      },
      bucket,
      region: 'eu-west-1',
      key: 'pr-env/pr-env-shop-pr-1/template.json',
    });

    beforeEach(() => {
      s3Mock.reset();
      made = 0;
    });

    it('sends a small template inline, without touching S3', async () => {
      const loaded = loadTemplate(templateOfSize('inline.yml', TEMPLATE_BODY_LIMIT));
      await expect(templateSource(loaded, upload('bucket'))).resolves.toEqual({
        TemplateBody: loaded.body,
      });
      expect(made).toBe(0);
      expect(s3Mock.calls()).toHaveLength(0);
    });

    it('uploads a template over 51,200 bytes and passes an https URL', async () => {
      s3Mock.on(PutObjectCommand).resolves({});
      const loaded = loadTemplate(templateOfSize('big.yml', 60_000));
      const source = await templateSource(loaded, upload('my-templates'));
      expect(source).toEqual({
        TemplateURL:
          'https://my-templates.s3.eu-west-1.amazonaws.com/pr-env/pr-env-shop-pr-1/template.json',
      });
      const puts = s3Mock.commandCalls(PutObjectCommand);
      expect(puts).toHaveLength(1);
      expect(puts[0]!.args[0].input).toEqual({
        Bucket: 'my-templates',
        Key: 'pr-env/pr-env-shop-pr-1/template.json',
        Body: loaded.body,
        ContentType: 'application/json',
      });
    });

    it('uploads a template whose characters fit but whose bytes do not', async () => {
      s3Mock.on(PutObjectCommand).resolves({});
      const loaded = loadTemplate(templateOfSize('wide.yml', 51_201, 'é'));
      expect(loaded.body.length).toBeLessThan(TEMPLATE_BODY_LIMIT);
      await expect(templateSource(loaded, upload('b-1'))).resolves.toHaveProperty('TemplateURL');
    });

    it('refuses a large template without a bucket, before any upload', async () => {
      const loaded = loadTemplate(templateOfSize('big2.yml', 60_000));
      await expect(templateSource(loaded, upload(undefined))).rejects.toThrow(
        'set "template-bucket"',
      );
      expect(made).toBe(0);
    });

    it('names the bucket and key when the upload fails', async () => {
      s3Mock.on(PutObjectCommand).rejects(new Error('AccessDenied'));
      const loaded = loadTemplate(templateOfSize('big3.yml', 60_000));
      await expect(templateSource(loaded, upload('locked'))).rejects.toThrow(
        'Could not upload the template to s3://locked/pr-env/pr-env-shop-pr-1/template.json: AccessDenied',
      );
    });
  });
});
