import type { Change } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { planTable, renderReport } from '../../../src/report/markdown.js';
import {
  blockedReplacements,
  describeBlocked,
  ReplacementBlockedError,
  toPlannedChanges,
} from '../../../src/stack/plan.js';

// Change sets as DescribeChangeSet (IncludePropertyValues) returns them, recorded from the
// simulator against templates/environment.yml and trimmed to the rows that matter (long values
// shortened, Before/AfterContext dropped, values known only after the update written as
// CloudFormation writes them). The first: a push naming another snapshot.
const SNAPSHOT_CHANGE: Change[] = [
  {
    Type: 'Resource',
    ResourceChange: {
      Action: 'Modify',
      LogicalResourceId: 'DBCluster',
      PhysicalResourceId: 'pr-env-shop-pr-7-dbcluster-qxhaez8er2uq',
      ResourceType: 'AWS::RDS::DBCluster',
      Replacement: 'True',
      Scope: ['Properties'],
      Details: [
        {
          Target: {
            Attribute: 'Properties',
            Name: 'SnapshotIdentifier',
            RequiresRecreation: 'Always',
            BeforeValue:
              'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:rds:prod-db-2026-11-22-03-00',
            AfterValue:
              'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:rds:prod-db-2026-11-23-03-00',
            AttributeChangeType: 'Modify',
          },
          Evaluation: 'Static',
          ChangeSource: 'ParameterReference',
          CausingEntity: 'DBSnapshotIdentifier',
        },
      ],
    },
  },
  {
    Type: 'Resource',
    ResourceChange: {
      Action: 'Modify',
      LogicalResourceId: 'LaunchTemplate',
      PhysicalResourceId: 'lt-063b6ccbc853dbb57',
      ResourceType: 'AWS::EC2::LaunchTemplate',
      Replacement: 'False',
      Scope: ['Properties'],
      Details: [
        {
          Target: {
            Attribute: 'Properties',
            Name: 'LaunchTemplateData',
            RequiresRecreation: 'Never',
            BeforeValue: '{"ImageId":"ami-08d33991cada8aac1","InstanceType":"t3.micro",…',
            AfterValue: '{"ImageId":"ami-08d33991cada8aac1","InstanceType":"t3.micro",…',
            AttributeChangeType: 'Modify',
          },
          Evaluation: 'Static',
          ChangeSource: 'ParameterReference',
        },
      ],
    },
  },
  {
    Type: 'Resource',
    ResourceChange: {
      Action: 'Modify',
      LogicalResourceId: 'DBWriterInstance',
      PhysicalResourceId: 'pr-env-shop-pr-7-dbwriterinstance-dhexfwkihizn',
      ResourceType: 'AWS::RDS::DBInstance',
      Replacement: 'Conditional',
      Scope: ['Properties'],
      Details: [
        {
          Target: {
            Attribute: 'Properties',
            Name: 'DBClusterIdentifier',
            RequiresRecreation: 'Always',
            BeforeValue: 'pr-env-shop-pr-7-dbcluster-qxhaez8er2uq',
            AfterValue: '{{changeSet:KNOWN_AFTER_APPLY}}',
            AttributeChangeType: 'Modify',
          },
          Evaluation: 'Dynamic',
          ChangeSource: 'ResourceReference',
          CausingEntity: 'DBCluster',
        },
      ],
    },
  },
  {
    Type: 'Resource',
    ResourceChange: {
      Action: 'Modify',
      LogicalResourceId: 'Bastion',
      PhysicalResourceId: 'i-0e7c1f4b2a9d3c5e8',
      ResourceType: 'AWS::EC2::Instance',
      Replacement: 'False',
      Scope: ['Tags'],
      Details: [
        {
          Target: { Attribute: 'Tags', RequiresRecreation: 'Never' },
          Evaluation: 'Static',
          ChangeSource: 'DirectModification',
        },
      ],
    },
  },
];

// The second: a new VpcCidr, which replaces the VPC and, through it, every subnet.
const VPC_CIDR_CHANGE: Change[] = [
  {
    Type: 'Resource',
    ResourceChange: {
      Action: 'Modify',
      LogicalResourceId: 'VPC',
      PhysicalResourceId: 'vpc-0f9112ba46ff6db00',
      ResourceType: 'AWS::EC2::VPC',
      Replacement: 'True',
      Scope: ['Properties'],
      Details: [
        {
          Target: {
            Attribute: 'Properties',
            Name: 'CidrBlock',
            RequiresRecreation: 'Always',
            BeforeValue: '10.0.0.0/16',
            AfterValue: '10.1.0.0/16',
            AttributeChangeType: 'Modify',
          },
          Evaluation: 'Static',
          ChangeSource: 'ParameterReference',
          CausingEntity: 'VpcCidr',
        },
      ],
    },
  },
  {
    Type: 'Resource',
    ResourceChange: {
      Action: 'Modify',
      LogicalResourceId: 'PrivateSubnetA',
      PhysicalResourceId: 'subnet-03194975207e255a6',
      ResourceType: 'AWS::EC2::Subnet',
      Replacement: 'Conditional',
      Scope: ['Properties'],
      Details: [
        {
          Target: {
            Attribute: 'Properties',
            Name: 'VpcId',
            RequiresRecreation: 'Always',
            BeforeValue: 'vpc-0f9112ba46ff6db00',
            AfterValue: '{{changeSet:KNOWN_AFTER_APPLY}}',
            AttributeChangeType: 'Modify',
          },
          Evaluation: 'Dynamic',
          ChangeSource: 'ResourceReference',
          CausingEntity: 'VPC',
        },
        {
          Target: {
            Attribute: 'Properties',
            Name: 'CidrBlock',
            RequiresRecreation: 'Always',
            BeforeValue: '10.0.2.0/24',
            AfterValue: '{{changeSet:KNOWN_AFTER_APPLY}}',
            AttributeChangeType: 'Modify',
          },
          Evaluation: 'Dynamic',
          ChangeSource: 'ResourceAttribute',
          CausingEntity: 'VPC.CidrBlock',
        },
      ],
    },
  },
  {
    Type: 'Resource',
    ResourceChange: {
      Action: 'Modify',
      LogicalResourceId: 'DBCluster',
      PhysicalResourceId: 'pr-env-shop-pr-7-dbcluster-79xlyqkhtst5',
      ResourceType: 'AWS::RDS::DBCluster',
      Replacement: 'False',
      Scope: ['Properties'],
      Details: [
        {
          Target: {
            Attribute: 'Properties',
            Name: 'VpcSecurityGroupIds',
            RequiresRecreation: 'Never',
            AttributeChangeType: 'Modify',
          },
          Evaluation: 'Dynamic',
          ChangeSource: 'ResourceReference',
          CausingEntity: 'DBSecurityGroup',
        },
      ],
    },
  },
];

const add = (logicalId: string, type: string): Change => ({
  Type: 'Resource',
  ResourceChange: { Action: 'Add', LogicalResourceId: logicalId, ResourceType: type },
});
const remove = (logicalId: string, type: string): Change => ({
  Type: 'Resource',
  ResourceChange: {
    Action: 'Remove',
    LogicalResourceId: logicalId,
    ResourceType: type,
    PolicyAction: 'Delete',
  },
});

const noFlags = { refreshData: false, allowReplacement: false };
const ids = (rows: { logicalId: string }[]) => rows.map((r) => r.logicalId);

describe('toPlannedChanges (the change set as plan rows)', () => {
  const rows = toPlannedChanges(SNAPSHOT_CHANGE);

  it('names the property that forces a replacement and the parameter its value comes from', () => {
    expect(rows[0]).toEqual({
      action: 'Modify',
      logicalId: 'DBCluster',
      resourceType: 'AWS::RDS::DBCluster',
      replacement: 'True',
      causes: ['SnapshotIdentifier (from parameter DBSnapshotIdentifier)'],
    });
  });

  it('names the resource whose replacement ripples into another', () => {
    expect(rows[2]).toMatchObject({
      logicalId: 'DBWriterInstance',
      replacement: 'Conditional',
      causes: ['DBClusterIdentifier (from DBCluster)'],
    });
  });

  it('lists what changes in place, and a change of tags alone as Tags', () => {
    expect(rows[1]).toMatchObject({ replacement: 'False', causes: ['LaunchTemplateData'] });
    expect(rows[3]).toMatchObject({ replacement: 'False', causes: ['Tags'] });
  });

  it('keeps only the properties that force a replacement, each once, with every source', () => {
    expect(toPlannedChanges(VPC_CIDR_CHANGE)[1]?.causes).toEqual([
      'VpcId (from VPC)',
      'CidrBlock (from VPC.CidrBlock)',
    ]);
  });

  it('leaves replacement empty for additions and removals', () => {
    const [added, removed] = toPlannedChanges([
      add('Queue', 'AWS::SQS::Queue'),
      remove('Topic', 'AWS::SNS::Topic'),
    ]);
    expect(added).toMatchObject({ action: 'Add', replacement: '', causes: [] });
    expect(removed).toMatchObject({ action: 'Remove', replacement: '', causes: [] });
  });
});

describe('blockedReplacements (the replacement guard)', () => {
  const snapshot = toPlannedChanges(SNAPSHOT_CHANGE);
  const network = toPlannedChanges(VPC_CIDR_CHANGE);

  it('stops a change set that would replace the database, its instances included', () => {
    expect(ids(blockedReplacements(snapshot, noFlags))).toEqual(['DBCluster', 'DBWriterInstance']);
  });

  it('lets refresh-data replace the database, which is what it asks for', () => {
    expect(blockedReplacements(snapshot, { refreshData: true, allowReplacement: false })).toEqual(
      [],
    );
  });

  it('stops a VPC or subnet replacement even with refresh-data; allow-replacement lets it through', () => {
    const refresh = { refreshData: true, allowReplacement: false };
    expect(ids(blockedReplacements(network, refresh))).toEqual(['VPC', 'PrivateSubnetA']);
    expect(blockedReplacements(network, { refreshData: false, allowReplacement: true })).toEqual(
      [],
    );
  });

  it('stops removing the database even with refresh-data, and removing a subnet', () => {
    const removals = toPlannedChanges([
      remove('DBCluster', 'AWS::RDS::DBCluster'),
      remove('PrivateSubnetB', 'AWS::EC2::Subnet'),
      remove('Bastion', 'AWS::EC2::Instance'),
    ]);
    expect(
      ids(blockedReplacements(removals, { refreshData: true, allowReplacement: false })),
    ).toEqual(['DBCluster', 'PrivateSubnetB']);
  });

  it('lets everything else be replaced: an instance, a security group', () => {
    const rows = toPlannedChanges(SNAPSHOT_CHANGE).map((r) => ({
      ...r,
      resourceType: 'AWS::EC2::SecurityGroup',
    }));
    expect(blockedReplacements(rows, noFlags)).toEqual([]);
  });
});

describe('ReplacementBlockedError', () => {
  it('lists what would be replaced and why, and how to allow it', () => {
    const error = new ReplacementBlockedError(
      'pr-env-shop-pr-7',
      blockedReplacements(toPlannedChanges(SNAPSHOT_CHANGE), noFlags),
    );
    expect(error.message).toBe(
      [
        'Stopped before changing stack "pr-env-shop-pr-7": its change set would',
        '- replace DBCluster (AWS::RDS::DBCluster), because of SnapshotIdentifier (from parameter DBSnapshotIdentifier)',
        '- maybe replace DBWriterInstance (AWS::RDS::DBInstance), because of DBClusterIdentifier (from DBCluster)',
        'Nothing was changed. Set "refresh-data: true" to accept a new database restored from the newest snapshot, or "allow-replacement: true" to accept every replacement.',
      ].join('\n'),
    );
  });

  it('suggests only allow-replacement when the database is not what would be replaced', () => {
    const error = new ReplacementBlockedError(
      'pr-env-shop-pr-7',
      blockedReplacements(toPlannedChanges(VPC_CIDR_CHANGE), noFlags),
    );
    expect(error.message).not.toContain('refresh-data');
    expect(error.message).toContain('Set "allow-replacement: true" to accept the replacement.');
    expect(describeBlocked(toPlannedChanges([remove('Db', 'AWS::RDS::DBCluster')])[0]!)).toBe(
      'remove Db (AWS::RDS::DBCluster)',
    );
  });
});

describe('planTable and the plan in the comment', () => {
  it('shows a row per resource, and folds changes of tags alone into one line', () => {
    expect(planTable(toPlannedChanges(SNAPSHOT_CHANGE))).toEqual([
      '| Action | Resource | Type | Replacement | Caused by |',
      '|---|---|---|---|---|',
      '| Modify | `DBCluster` | AWS::RDS::DBCluster | True | SnapshotIdentifier (from parameter DBSnapshotIdentifier) |',
      '| Modify | `LaunchTemplate` | AWS::EC2::LaunchTemplate | False | LaunchTemplateData |',
      '| Modify | `DBWriterInstance` | AWS::RDS::DBInstance | Conditional | DBClusterIdentifier (from DBCluster) |',
      '',
      'And 1 resource(s) whose only change is their tags, in place: `Bastion`.',
    ]);
  });

  it('says so when there is nothing else, or nothing at all', () => {
    expect(planTable(toPlannedChanges(SNAPSHOT_CHANGE.slice(3)))).toEqual([
      'Only 1 resource(s) whose only change is their tags, in place: `Bastion`.',
    ]);
    expect(planTable([])).toEqual(['No changes.']);
  });

  it('counts each action and warns of what a deploy would stop at', () => {
    const changes = toPlannedChanges([...SNAPSHOT_CHANGE, add('Queue', 'AWS::SQS::Queue')]);
    const at = new Date('2026-11-23T10:00:00Z');
    const text = renderReport({
      intent: 'plan',
      outcome: 'success',
      repository: 'octo-org/shop',
      prNumber: 7,
      outputs: {},
      startedAt: at,
      finishedAt: at,
      plan: { type: 'UPDATE', changes, blocked: blockedReplacements(changes, noFlags) },
    });
    expect(text).toContain('### 📋 pr-env: plan for #7');
    expect(text).toContain('**Plan** (update): 1 to add, 4 to modify, 0 to remove');
    expect(text).toContain(
      '⚠️ **2 destructive change(s)** a deploy would stop at: `DBCluster` (replaced), `DBWriterInstance` (maybe replaced).',
    );
  });
});

describe('a Conditional replacement decided at run time', () => {
  // What CloudFormation reports for a subnet when only the VPC's tags change (every push changes
  // the pr-env:head-sha stack tag): its CidrBlock depends on !GetAtt VPC.CidrBlock.
  const subnet: Change = {
    Type: 'Resource',
    ResourceChange: {
      Action: 'Modify',
      LogicalResourceId: 'PrivateSubnetA',
      ResourceType: 'AWS::EC2::Subnet',
      Replacement: 'Conditional',
      Details: [
        {
          Target: { Attribute: 'Properties', Name: 'CidrBlock', RequiresRecreation: 'Always' },
          Evaluation: 'Dynamic',
          ChangeSource: 'ResourceAttribute',
          CausingEntity: 'VPC.CidrBlock',
        },
      ],
    },
  };
  const guard = { refreshData: false, allowReplacement: false };

  it('does not stop a deploy while what it hangs on is not replaced', () => {
    const [row] = toPlannedChanges([subnet]);
    expect(row?.decidedAtRunTimeBy).toEqual(['VPC']);
    expect(blockedReplacements([row!], guard)).toEqual([]);
  });

  it('stops it when what it hangs on is replaced', () => {
    const vpc: Change = {
      Type: 'Resource',
      ResourceChange: {
        Action: 'Modify',
        LogicalResourceId: 'VPC',
        ResourceType: 'AWS::EC2::VPC',
        Replacement: 'True',
        Details: [
          {
            Target: { Attribute: 'Properties', Name: 'CidrBlock', RequiresRecreation: 'Always' },
            Evaluation: 'Static',
            ChangeSource: 'ParameterReference',
            CausingEntity: 'VpcCidr',
          },
        ],
      },
    };
    const rows = toPlannedChanges([vpc, subnet]);
    expect(blockedReplacements(rows, guard).map((c) => c.logicalId)).toEqual([
      'VPC',
      'PrivateSubnetA',
    ]);
  });

  it('still stops one with a Static cause', () => {
    const staticChange = structuredClone(subnet);
    staticChange.ResourceChange!.Details![0]!.Evaluation = 'Static';
    const [row] = toPlannedChanges([staticChange]);
    expect(row?.decidedAtRunTimeBy).toBeUndefined();
    expect(blockedReplacements([row!], guard).map((c) => c.logicalId)).toEqual(['PrivateSubnetA']);
  });
});
