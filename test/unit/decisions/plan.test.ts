import type { Change } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import {
  blockedReplacements,
  ReplacementBlockedError,
  toPlannedChanges,
} from '../../../src/stack/plan.js';

// Shapes as DescribeChangeSet returns them.
const modify = (
  logicalId: string,
  type: string,
  replacement: string,
  property: string,
): Change => ({
  Type: 'Resource',
  ResourceChange: {
    Action: 'Modify',
    LogicalResourceId: logicalId,
    ResourceType: type,
    Replacement: replacement as 'True',
    Scope: ['Properties'],
    Details: [
      {
        Target: {
          Attribute: 'Properties',
          Name: property,
          RequiresRecreation: replacement === 'True' ? 'Always' : 'Never',
        },
        Evaluation: 'Static',
        ChangeSource: 'DirectModification',
      },
      {
        Target: { Attribute: 'Tags', RequiresRecreation: 'Never' },
        Evaluation: 'Static',
        ChangeSource: 'DirectModification',
      },
    ],
  },
});
const add = (logicalId: string, type: string): Change => ({
  Type: 'Resource',
  ResourceChange: { Action: 'Add', LogicalResourceId: logicalId, ResourceType: type },
});
const remove = (logicalId: string, type: string): Change => ({
  Type: 'Resource',
  ResourceChange: { Action: 'Remove', LogicalResourceId: logicalId, ResourceType: type },
});

const noFlags = { refreshData: false, allowReplacement: false };

describe('toPlannedChanges', () => {
  it('names the properties that force a replacement, not the ones that merely change', () => {
    const [row] = toPlannedChanges([
      modify('DBCluster', 'AWS::RDS::DBCluster', 'True', 'SnapshotIdentifier'),
    ]);
    expect(row).toEqual({
      action: 'Modify',
      logicalId: 'DBCluster',
      resourceType: 'AWS::RDS::DBCluster',
      replacement: 'True',
      causes: ['SnapshotIdentifier'],
    });
  });

  it('lists changed properties when nothing forces a replacement, and leaves replacement empty for adds', () => {
    const rows = toPlannedChanges([
      modify('LaunchTemplate', 'AWS::EC2::LaunchTemplate', 'False', 'LaunchTemplateData'),
      add('Queue', 'AWS::SQS::Queue'),
    ]);
    expect(rows[0]?.causes).toEqual(['LaunchTemplateData', 'Tags']);
    expect(rows[1]).toMatchObject({ action: 'Add', replacement: '', causes: [] });
  });
});

describe('blockedReplacements (the replacement guard)', () => {
  const snapshotChange = toPlannedChanges([
    modify('DBCluster', 'AWS::RDS::DBCluster', 'True', 'SnapshotIdentifier'),
    modify('DBWriterInstance', 'AWS::RDS::DBInstance', 'True', 'DBClusterIdentifier'),
    modify('LaunchTemplate', 'AWS::EC2::LaunchTemplate', 'False', 'LaunchTemplateData'),
  ]);

  it('stops a change set that would replace the database', () => {
    expect(blockedReplacements(snapshotChange, noFlags).map((c) => c.logicalId)).toEqual([
      'DBCluster',
      'DBWriterInstance',
    ]);
  });

  it('lets refresh-data replace the database, which is what it asks for', () => {
    expect(
      blockedReplacements(snapshotChange, { refreshData: true, allowReplacement: false }),
    ).toEqual([]);
  });

  it('stops a VPC or subnet replacement and a removal even with refresh-data', () => {
    const network = toPlannedChanges([
      modify('VPC', 'AWS::EC2::VPC', 'True', 'CidrBlock'),
      modify('PublicSubnetA', 'AWS::EC2::Subnet', 'Conditional', 'CidrBlock'),
      remove('PrivateSubnetB', 'AWS::EC2::Subnet'),
      modify('Bastion', 'AWS::EC2::Instance', 'True', 'ImageId'),
    ]);
    expect(
      blockedReplacements(network, { refreshData: true, allowReplacement: false }).map(
        (c) => c.logicalId,
      ),
    ).toEqual(['VPC', 'PublicSubnetA', 'PrivateSubnetB']);
    expect(blockedReplacements(network, { refreshData: false, allowReplacement: true })).toEqual(
      [],
    );
  });

  it('explains what would be replaced, why, and how to allow it', () => {
    const error = new ReplacementBlockedError(
      'pr-env-shop-pr-1',
      blockedReplacements(snapshotChange, noFlags),
    );
    expect(error.message).toContain(
      'replace DBCluster (AWS::RDS::DBCluster, because of SnapshotIdentifier)',
    );
    expect(error.message).toContain('Nothing was changed');
    expect(error.message).toContain('refresh-data: true');
  });
});
