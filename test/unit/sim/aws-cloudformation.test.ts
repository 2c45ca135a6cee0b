import {
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  ListChangeSetsCommand,
  paginateDescribeStackEvents,
  type CloudFormationClient,
  type Parameter,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsSimulator } from '../../sim/aws/index.js';
import { sdkClients } from '../../sim/aws/clients.js';

const TEMPLATE = {
  Parameters: {
    Env: { Type: 'String' },
    SnapshotId: { Type: 'String', Default: '' },
    Engine: {
      Type: 'String',
      Default: 'aurora-postgresql',
      AllowedValues: ['aurora-postgresql', 'aurora-mysql'],
    },
  },
  Conditions: { HasSnapshot: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'SnapshotId' }, ''] }] } },
  Resources: {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    Subnet: {
      Type: 'AWS::EC2::Subnet',
      Properties: {
        VpcId: { Ref: 'Vpc' },
        CidrBlock: {
          'Fn::Select': [0, { 'Fn::Cidr': [{ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, 2, 8] }],
        },
        AvailabilityZone: { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] },
      },
    },
    Db: {
      Type: 'AWS::RDS::DBCluster',
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: {
        Engine: { Ref: 'Engine' },
        SnapshotIdentifier: {
          'Fn::If': ['HasSnapshot', { Ref: 'SnapshotId' }, { Ref: 'AWS::NoValue' }],
        },
        DBSubnetGroupName: { 'Fn::Sub': '${AWS::StackName}-db' },
      },
    },
    Alb: {
      Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      Properties: { Subnets: [{ Ref: 'Subnet' }] },
    },
  },
  Outputs: {
    Url: { Value: { 'Fn::Sub': 'https://${Alb.DNSName}/${Env}' } },
    DbEndpoint: { Value: { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] } },
    DbPort: { Value: { 'Fn::GetAtt': ['Db', 'Endpoint.Port'] } },
    SubnetAz: { Value: { 'Fn::GetAtt': ['Subnet', 'AvailabilityZone'] } },
    Restored: { Condition: 'HasSnapshot', Value: { Ref: 'SnapshotId' } },
  },
};
const BODY = JSON.stringify(TEMPLATE);

let sim: AwsSimulator;
let cfn: CloudFormationClient;

beforeAll(async () => {
  sim = await AwsSimulator.start({ resourceDelayMs: 10, changeSetDelayMs: 10 });
  cfn = sdkClients(sim).cloudformation;
});
afterAll(async () => {
  cfn.destroy();
  await sim.stop();
});

const params = (values: Record<string, string>): Parameter[] =>
  Object.entries(values).map(([ParameterKey, ParameterValue]) => ({
    ParameterKey,
    ParameterValue,
  }));

async function changeSetSettled(stackName: string, changeSetName: string) {
  for (;;) {
    const cs = await cfn.send(
      new DescribeChangeSetCommand({ StackName: stackName, ChangeSetName: changeSetName }),
    );
    if (cs.Status === 'CREATE_COMPLETE' || cs.Status === 'FAILED') return cs;
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function stackSettled(stackId: string) {
  for (;;) {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackId }));
    const stack = Stacks?.[0];
    if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function allEvents(stackId: string): Promise<StackEvent[]> {
  const events: StackEvent[] = [];
  for await (const page of paginateDescribeStackEvents({ client: cfn }, { StackName: stackId })) {
    events.push(...(page.StackEvents ?? []));
  }
  return events;
}

async function deploy(
  name: string,
  type: 'CREATE' | 'UPDATE',
  values: Record<string, string>,
  token: string,
  body = BODY,
) {
  const csName = `cs-${token}`;
  const created = await cfn.send(
    new CreateChangeSetCommand({
      StackName: name,
      ChangeSetName: csName,
      ChangeSetType: type,
      TemplateBody: body,
      Parameters: params(values),
      Tags: [{ Key: 'pr', Value: '1' }],
    }),
  );
  const cs = await changeSetSettled(name, csName);
  if (cs.Status === 'FAILED') return { created, cs };
  await cfn.send(
    new ExecuteChangeSetCommand({
      StackName: name,
      ChangeSetName: csName,
      ClientRequestToken: token,
    }),
  );
  return { created, cs, stack: await stackSettled(created.StackId ?? '') };
}

describe('create through a change set', () => {
  it('goes through REVIEW_IN_PROGRESS, creates resources in dependency order and reports outputs', async () => {
    const created = await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'pr-1',
        ChangeSetName: 'cs-create',
        ChangeSetType: 'CREATE',
        TemplateBody: BODY,
        Parameters: params({ Env: 'pr-1' }),
        Tags: [{ Key: 'pr', Value: '1' }],
      }),
    );
    expect(created.Id).toMatch(
      /^arn:aws:cloudformation:us-east-1:123456789012:changeSet\/cs-create\//,
    );
    const review = await cfn.send(new DescribeStacksCommand({ StackName: 'pr-1' }));
    expect(review.Stacks?.[0]?.StackStatus).toBe('REVIEW_IN_PROGRESS');

    const cs = await changeSetSettled('pr-1', 'cs-create');
    expect(cs.Status).toBe('CREATE_COMPLETE');
    expect(cs.ExecutionStatus).toBe('AVAILABLE');
    const added = cs.Changes?.map(
      (c) => `${c.ResourceChange?.Action} ${c.ResourceChange?.LogicalResourceId}`,
    );
    expect(added?.sort()).toEqual(['Add Alb', 'Add Db', 'Add Subnet', 'Add Vpc']);

    await cfn.send(
      new ExecuteChangeSetCommand({
        StackName: 'pr-1',
        ChangeSetName: 'cs-create',
        ClientRequestToken: 'run-1',
      }),
    );
    const stack = await stackSettled(created.StackId ?? '');
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    expect(stack.Tags).toEqual([{ Key: 'pr', Value: '1' }]);
    expect(stack.Parameters).toEqual(
      expect.arrayContaining([
        { ParameterKey: 'Env', ParameterValue: 'pr-1' },
        { ParameterKey: 'SnapshotId', ParameterValue: '' },
      ]),
    );
    const outputs = Object.fromEntries(
      stack.Outputs?.map((o) => [o.OutputKey, o.OutputValue]) ?? [],
    );
    expect(outputs.Url).toMatch(
      /^https:\/\/pr-1-Alb-[A-Z0-9]+-\d{10}\.us-east-1\.elb\.amazonaws\.com\/pr-1$/,
    );
    expect(outputs.DbEndpoint).toMatch(
      /^pr-1-db-[a-z0-9]+\.cluster-[a-f0-9]{12}\.us-east-1\.rds\.amazonaws\.com$/,
    );
    expect(outputs.DbPort).toBe('5432');
    expect(outputs.SubnetAz).toBe('us-east-1b');
    expect(outputs).not.toHaveProperty('Restored');

    const events = (await allEvents(created.StackId ?? '')).reverse();
    const execution = events.filter((e) => e.ClientRequestToken === 'run-1');
    expect(events[0]).toMatchObject({
      ResourceStatus: 'REVIEW_IN_PROGRESS',
      LogicalResourceId: 'pr-1',
    });
    expect(execution.length).toBe(events.length - 1);
    expect(execution[0]).toMatchObject({
      LogicalResourceId: 'pr-1',
      ResourceType: 'AWS::CloudFormation::Stack',
      ResourceStatus: 'CREATE_IN_PROGRESS',
      ResourceStatusReason: 'User Initiated',
      StackName: 'pr-1',
      StackId: created.StackId,
    });
    expect(execution.at(-1)).toMatchObject({
      LogicalResourceId: 'pr-1',
      ResourceStatus: 'CREATE_COMPLETE',
    });
    const completed = execution
      .filter((e) => e.ResourceStatus === 'CREATE_COMPLETE')
      .map((e) => e.LogicalResourceId);
    expect(completed.indexOf('Vpc')).toBeLessThan(completed.indexOf('Subnet'));
    expect(completed.indexOf('Subnet')).toBeLessThan(completed.indexOf('Alb'));
    const vpc = execution.find(
      (e) => e.LogicalResourceId === 'Vpc' && e.ResourceStatus === 'CREATE_COMPLETE',
    );
    expect(vpc?.PhysicalResourceId).toMatch(/^vpc-0[0-9a-f]{16}$/);
    expect(vpc?.ResourceType).toBe('AWS::EC2::VPC');
    expect(new Set(events.map((e) => e.EventId)).size).toBe(events.length);
    // The cluster the stack created is visible to RDS.
    expect(sim.cluster(outputs.DbEndpoint?.split('.')[0] ?? '')).toMatchObject({
      engine: 'aurora-postgresql',
    });
  });

  it('rejects a CREATE change set for an existing stack and an UPDATE for a missing one', async () => {
    await expect(
      cfn.send(
        new CreateChangeSetCommand({
          StackName: 'pr-1',
          ChangeSetName: 'again',
          ChangeSetType: 'CREATE',
          TemplateBody: BODY,
          Parameters: params({ Env: 'x' }),
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message:
        'Stack [pr-1] already exists and cannot be created again with the changeSet [again].',
    });
    await expect(
      cfn.send(
        new CreateChangeSetCommand({
          StackName: 'nope',
          ChangeSetName: 'u',
          ChangeSetType: 'UPDATE',
          TemplateBody: BODY,
          Parameters: params({ Env: 'x' }),
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationError', message: 'Stack [nope] does not exist' });
    await expect(cfn.send(new DescribeStacksCommand({ StackName: 'nope' }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Stack with id nope does not exist',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('validates parameters, template size and names like CloudFormation', async () => {
    const attempt = (extra: Partial<ConstructorParameters<typeof CreateChangeSetCommand>[0]>) =>
      cfn.send(
        new CreateChangeSetCommand({
          StackName: 'pr-v',
          ChangeSetName: 'v',
          ChangeSetType: 'CREATE',
          TemplateBody: BODY,
          ...extra,
        }),
      );
    await expect(attempt({ Parameters: params({ Env: 'a', Nope: 'b' }) })).rejects.toThrow(
      'Parameters: [Nope] do not exist in the template',
    );
    await expect(attempt({ Parameters: [] })).rejects.toThrow('Parameters: [Env] must have values');
    await expect(attempt({ Parameters: params({ Env: 'a', Engine: 'oracle' }) })).rejects.toThrow(
      "Parameter 'Engine' must be one of AllowedValues",
    );
    const big = JSON.stringify({ ...TEMPLATE, Description: 'x'.repeat(52_000) });
    await expect(attempt({ TemplateBody: big, Parameters: params({ Env: 'a' }) })).rejects.toThrow(
      /^1 validation error detected: Value '.*' at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to 51200$/s,
    );
    await expect(
      attempt({ StackName: 'pr/feature', Parameters: params({ Env: 'a' }) }),
    ).rejects.toThrow(/at 'stackName' failed to satisfy constraint/);
    await expect(
      attempt({ TemplateBody: JSON.stringify({ Resources: { R: { Type: 'AWS::EC2::Nope' } } }) }),
    ).rejects.toThrow('Template format error: Unrecognized resource types: [AWS::EC2::Nope]');
    await expect(
      attempt({
        TemplateBody: JSON.stringify({
          Resources: { R: { Type: 'AWS::EC2::VPC' } },
          Outputs: { O: { Value: { 'Fn::GetAtt': ['R', 'Nope'] } } },
        }),
      }),
    ).rejects.toThrow(
      'Template error: resource R does not support attribute type Nope in Fn::GetAtt',
    );
    await expect(
      attempt({
        TemplateBody: JSON.stringify({
          Resources: { R: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'r' } } },
        }),
      }),
    ).rejects.toMatchObject({
      name: 'InsufficientCapabilitiesException',
      message: 'Requires capabilities : [CAPABILITY_NAMED_IAM]',
    });
    expect(sim.stack('pr-v')).toBeUndefined();
  });
});

describe('updates', () => {
  it('fails a change set that changes nothing, with the real reason', async () => {
    const { cs } = await deploy('pr-1', 'UPDATE', { Env: 'pr-1' }, 'noop');
    expect(cs).toMatchObject({
      Status: 'FAILED',
      ExecutionStatus: 'UNAVAILABLE',
      StatusReason:
        "The submitted information didn't contain changes. Submit different information to create a change set.",
    });
    const listed = await cfn.send(new ListChangeSetsCommand({ StackName: 'pr-1' }));
    expect(listed.Summaries?.map((s) => s.ChangeSetName)).toContain('cs-noop');
    await cfn.send(new DeleteChangeSetCommand({ StackName: 'pr-1', ChangeSetName: 'cs-noop' }));
    await expect(
      cfn.send(new DescribeChangeSetCommand({ StackName: 'pr-1', ChangeSetName: 'cs-noop' })),
    ).rejects.toMatchObject({
      name: 'ChangeSetNotFoundException',
    });
  });

  it('reports replacement for a changed SnapshotIdentifier and replaces the cluster on execution', async () => {
    const before = sim.stack('pr-1');
    const oldDb = before?.resources.find((r) => r.logicalId === 'Db')?.physicalId ?? '';
    sim.addSnapshot({ cluster: 'source', id: 'snap-1', engine: 'aurora-postgresql' });
    const csName = 'cs-restore';
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'pr-1',
        ChangeSetName: csName,
        UsePreviousTemplate: true,
        Parameters: [
          { ParameterKey: 'Env', UsePreviousValue: true },
          ...params({ SnapshotId: 'snap-1' }),
        ],
        Tags: [{ Key: 'pr', Value: '1' }],
      }),
    );
    const cs = await changeSetSettled('pr-1', csName);
    expect(cs.Status).toBe('CREATE_COMPLETE');
    const db = cs.Changes?.find(
      (c) => c.ResourceChange?.LogicalResourceId === 'Db',
    )?.ResourceChange;
    expect(db).toMatchObject({
      Action: 'Modify',
      Replacement: 'True',
      PhysicalResourceId: oldDb,
      Scope: ['Properties'],
    });
    expect(db?.Details).toEqual([
      {
        Target: {
          Attribute: 'Properties',
          Name: 'SnapshotIdentifier',
          RequiresRecreation: 'Always',
        },
        Evaluation: 'Static',
        ChangeSource: 'ParameterReference',
        CausingEntity: 'SnapshotId',
      },
    ]);
    expect(cs.Changes).toHaveLength(1);

    await cfn.send(
      new ExecuteChangeSetCommand({
        StackName: 'pr-1',
        ChangeSetName: csName,
        ClientRequestToken: 'run-2',
      }),
    );
    const stack = await stackSettled(before?.stackId ?? '');
    expect(stack.StackStatus).toBe('UPDATE_COMPLETE');
    const outputs = Object.fromEntries(
      stack.Outputs?.map((o) => [o.OutputKey, o.OutputValue]) ?? [],
    );
    expect(outputs.Restored).toBe('snap-1');
    const run = (await allEvents(stack.StackId ?? ''))
      .filter((e) => e.ClientRequestToken === 'run-2')
      .reverse();
    expect(run.map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`)).toEqual([
      'pr-1 UPDATE_IN_PROGRESS',
      'Db UPDATE_IN_PROGRESS',
      'Db UPDATE_IN_PROGRESS',
      'Db UPDATE_COMPLETE',
      'pr-1 UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'Db DELETE_IN_PROGRESS',
      'Db DELETE_COMPLETE',
      'pr-1 UPDATE_COMPLETE',
    ]);
    expect(run[1]?.ResourceStatusReason).toBe(
      'Requested update requires the creation of a new physical resource; hence creating one.',
    );
    expect(run[6]?.PhysicalResourceId).toBe(oldDb);
    expect(run[3]?.PhysicalResourceId).not.toBe(oldDb);
    expect(sim.cluster(oldDb)).toBeUndefined();
  });

  it('shows dependents of a replaced resource as dynamic changes', async () => {
    const body = JSON.stringify({
      ...TEMPLATE,
      Resources: {
        ...TEMPLATE.Resources,
        Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.1.0.0/16' } },
      },
    });
    const csName = 'cs-cidr';
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'pr-1',
        ChangeSetName: csName,
        TemplateBody: body,
        Parameters: params({ Env: 'pr-1', SnapshotId: 'snap-1' }),
        Tags: [{ Key: 'pr', Value: '1' }],
      }),
    );
    const cs = await changeSetSettled('pr-1', csName);
    const byId = Object.fromEntries(
      cs.Changes?.map((c) => [c.ResourceChange?.LogicalResourceId, c.ResourceChange]) ?? [],
    );
    expect(byId.Vpc).toMatchObject({ Action: 'Modify', Replacement: 'True' });
    expect(byId.Subnet).toMatchObject({ Action: 'Modify', Replacement: 'Conditional' });
    expect(byId.Subnet?.Details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Evaluation: 'Dynamic',
          ChangeSource: 'ResourceReference',
          CausingEntity: 'Vpc',
          Target: expect.objectContaining({ Name: 'VpcId' }),
        }),
      ]),
    );
    const withValues = await cfn.send(
      new DescribeChangeSetCommand({
        StackName: 'pr-1',
        ChangeSetName: csName,
        IncludePropertyValues: true,
      }),
    );
    const vpc = withValues.Changes?.find(
      (c) => c.ResourceChange?.LogicalResourceId === 'Vpc',
    )?.ResourceChange;
    expect(vpc?.Details?.[0]?.Target).toMatchObject({
      BeforeValue: '10.0.0.0/16',
      AfterValue: '10.1.0.0/16',
    });
    const template = await cfn.send(
      new GetTemplateCommand({ StackName: 'pr-1', ChangeSetName: csName }),
    );
    expect(JSON.parse(template.TemplateBody ?? '{}').Resources.Vpc.Properties.CidrBlock).toBe(
      '10.1.0.0/16',
    );
    await cfn.send(new DeleteChangeSetCommand({ StackName: 'pr-1', ChangeSetName: csName }));
  });
});

describe('delete', () => {
  it('deletes in reverse order; the stack is then gone by name but visible by ARN', async () => {
    const stackId = sim.stack('pr-1')?.stackId ?? '';
    await cfn.send(new DeleteStackCommand({ StackName: 'pr-1', ClientRequestToken: 'del-1' }));
    const stack = await stackSettled(stackId);
    expect(stack).toMatchObject({ StackStatus: 'DELETE_COMPLETE', StackName: 'pr-1' });
    expect(stack.DeletionTime).toBeInstanceOf(Date);
    await expect(cfn.send(new DescribeStacksCommand({ StackName: 'pr-1' }))).rejects.toThrow(
      'Stack with id pr-1 does not exist',
    );
    await expect(cfn.send(new DescribeStackEventsCommand({ StackName: 'pr-1' }))).rejects.toThrow(
      'Stack [pr-1] does not exist',
    );
    const run = (await allEvents(stackId))
      .filter((e) => e.ClientRequestToken === 'del-1')
      .reverse();
    const deleted = run
      .filter((e) => e.ResourceStatus === 'DELETE_COMPLETE')
      .map((e) => e.LogicalResourceId);
    expect(deleted.indexOf('Alb')).toBeLessThan(deleted.indexOf('Subnet'));
    expect(deleted.indexOf('Subnet')).toBeLessThan(deleted.indexOf('Vpc'));
    expect(deleted.at(-1)).toBe('pr-1');
    // Deleting again is a no-op, as in CloudFormation.
    await cfn.send(new DeleteStackCommand({ StackName: 'pr-1' }));
    const all = await cfn.send(new DescribeStacksCommand({}));
    expect(all.Stacks?.map((s) => s.StackName)).not.toContain('pr-1');
  });
});

describe('paging', () => {
  it('pages DescribeStacks and DescribeStackEvents with NextToken', async () => {
    const small = await AwsSimulator.start({
      describeStacksPageSize: 2,
      stackEventsPageSize: 3,
      resourceDelayMs: 1,
    });
    const client = sdkClients(small).cloudformation;
    try {
      for (const name of ['a', 'b', 'c']) small.seedStack({ name, status: 'CREATE_COMPLETE' });
      const first = await client.send(new DescribeStacksCommand({}));
      expect(first.Stacks).toHaveLength(2);
      const second = await client.send(new DescribeStacksCommand({ NextToken: first.NextToken }));
      expect(second.Stacks).toHaveLength(1);
      expect(second.NextToken).toBeUndefined();
      expect(
        [...(first.Stacks ?? []), ...(second.Stacks ?? [])].map((s) => s.StackName).sort(),
      ).toEqual(['a', 'b', 'c']);

      small.seedStack({
        name: 'multi',
        status: 'CREATE_COMPLETE',
        templateBody: JSON.stringify({
          Resources: Object.fromEntries(
            ['A', 'B', 'C', 'D'].map((id) => [id, { Type: 'AWS::SNS::Topic' }]),
          ),
        }),
      });
      const pages: StackEvent[][] = [];
      for await (const page of paginateDescribeStackEvents({ client }, { StackName: 'multi' }))
        pages.push(page.StackEvents ?? []);
      expect(pages.map((p) => p.length)).toEqual([3, 2]);
      expect(pages[0]?.[0]).toMatchObject({
        LogicalResourceId: 'multi',
        ResourceStatus: 'CREATE_COMPLETE',
      });
    } finally {
      client.destroy();
      await small.stop();
    }
  });
});
