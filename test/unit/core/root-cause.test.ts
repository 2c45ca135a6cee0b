import { describe, expect, it } from 'vitest';
import { findRootCause, formatRootCause, isStackEvent } from '../../../src/stack/root-cause.js';
import { formatEvent } from '../../../src/stack/event-line.js';
import { StackOperationError } from '../../../src/stack/target.js';
import { event } from './helpers.js';

// A failed create, oldest first: the subnet fails, the rest are cancelled, the stack rolls back.
function failedCreate() {
  return [
    event({ status: 'CREATE_IN_PROGRESS', at: 1, reason: 'User Initiated' }),
    event({ status: 'CREATE_IN_PROGRESS', id: 'Vpc', type: 'AWS::EC2::VPC', at: 2 }),
    event({ status: 'CREATE_COMPLETE', id: 'Vpc', type: 'AWS::EC2::VPC', at: 3 }),
    event({ status: 'CREATE_IN_PROGRESS', id: 'Subnet', type: 'AWS::EC2::Subnet', at: 4 }),
    event({ status: 'CREATE_IN_PROGRESS', id: 'Database', type: 'AWS::RDS::DBCluster', at: 4 }),
    event({
      status: 'CREATE_FAILED',
      id: 'Subnet',
      type: 'AWS::EC2::Subnet',
      at: 5,
      reason: 'The CIDR 10.0.0.0/24 conflicts with another subnet',
    }),
    event({
      status: 'CREATE_FAILED',
      id: 'Database',
      type: 'AWS::RDS::DBCluster',
      at: 6,
      reason: 'Resource creation cancelled',
    }),
    event({
      status: 'ROLLBACK_IN_PROGRESS',
      at: 7,
      reason:
        'The following resource(s) failed to create: [Subnet, Database]. Rollback requested by user.',
    }),
    event({
      status: 'DELETE_FAILED',
      id: 'Vpc',
      type: 'AWS::EC2::VPC',
      at: 8,
      reason: 'has dependencies',
    }),
    event({ status: 'ROLLBACK_COMPLETE', at: 9 }),
  ];
}

describe('findRootCause', () => {
  it('is the first resource that failed', () => {
    expect(findRootCause(failedCreate())).toEqual({
      logicalId: 'Subnet',
      resourceType: 'AWS::EC2::Subnet',
      status: 'CREATE_FAILED',
      reason: 'The CIDR 10.0.0.0/24 conflicts with another subnet',
    });
  });

  it('does not depend on the order events are given in (DescribeStackEvents is newest first)', () => {
    const events = failedCreate();
    expect(findRootCause([...events].reverse())?.logicalId).toBe('Subnet');
    const shuffled = [
      events[9]!,
      events[6]!,
      events[0]!,
      events[8]!,
      events[5]!,
      events[3]!,
      events[7]!,
    ];
    expect(findRootCause(shuffled)?.logicalId).toBe('Subnet');
  });

  it('passes over "Resource creation cancelled" even when it comes first', () => {
    const events = [
      event({ status: 'CREATE_FAILED', id: 'Cache', at: 1, reason: 'Resource creation cancelled' }),
      event({ status: 'UPDATE_FAILED', id: 'Queue', at: 2, reason: 'Resource update cancelled.' }),
      event({
        status: 'CREATE_FAILED',
        id: 'Bucket',
        type: 'AWS::S3::Bucket',
        at: 3,
        reason: 'already exists',
      }),
    ];
    expect(findRootCause(events)).toMatchObject({ logicalId: 'Bucket', reason: 'already exists' });
  });

  it('keeps the given order when two failures share a timestamp', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const events = [
      event({ status: 'CREATE_FAILED', id: 'First', at, reason: 'one' }),
      event({ status: 'CREATE_FAILED', id: 'Second', at, reason: 'two' }),
    ];
    expect(findRootCause(events)?.logicalId).toBe('First');
  });

  it('counts a nested stack resource as a resource, not as the stack', () => {
    const events = [
      event({
        status: 'CREATE_FAILED',
        id: 'Network',
        type: 'AWS::CloudFormation::Stack',
        at: 1,
        reason: 'nested',
      }),
      event({ status: 'ROLLBACK_IN_PROGRESS', at: 2, reason: 'rollback' }),
    ];
    expect(findRootCause(events)).toMatchObject({ logicalId: 'Network', reason: 'nested' });
  });

  it('falls back to the stack rollback reason when no resource failed', () => {
    const events = [
      event({ status: 'UPDATE_IN_PROGRESS', at: 1 }),
      event({
        status: 'UPDATE_ROLLBACK_IN_PROGRESS',
        at: 2,
        reason:
          'Parameter validation failed: parameter value x for parameter name Foo does not exist',
      }),
      event({ status: 'UPDATE_ROLLBACK_COMPLETE', at: 3 }),
    ];
    expect(findRootCause(events)).toEqual({
      logicalId: 'pr-env-shop-pr-7',
      resourceType: 'AWS::CloudFormation::Stack',
      status: 'UPDATE_ROLLBACK_IN_PROGRESS',
      reason:
        'Parameter validation failed: parameter value x for parameter name Foo does not exist',
    });
  });

  it("uses the stack's own failure when that is all there is", () => {
    const events = [event({ status: 'DELETE_FAILED', at: 1, reason: 'role is gone' })];
    expect(findRootCause(events)).toMatchObject({
      status: 'DELETE_FAILED',
      reason: 'role is gone',
    });
  });

  it('finds nothing in a successful operation', () => {
    expect(
      findRootCause([
        event({ status: 'CREATE_IN_PROGRESS' }),
        event({ status: 'CREATE_COMPLETE' }),
      ]),
    ).toBe(undefined);
    expect(findRootCause([])).toBeUndefined();
  });

  it('says so when a failure gives no reason', () => {
    expect(findRootCause([event({ status: 'CREATE_FAILED', id: 'X' })])?.reason).toBe(
      'no reason given',
    );
  });
});

describe('isStackEvent / formatRootCause / formatEvent / StackOperationError', () => {
  it('tells the stack from its resources', () => {
    expect(isStackEvent(event({ status: 'CREATE_COMPLETE' }))).toBe(true);
    expect(isStackEvent(event({ status: 'CREATE_COMPLETE', id: 'Vpc' }))).toBe(false);
  });

  it('formats a root cause on one line', () => {
    expect(
      formatRootCause({
        logicalId: 'Db',
        resourceType: 'AWS::RDS::DBCluster',
        status: 'CREATE_FAILED',
        reason: 'quota',
      }),
    ).toBe('Db (AWS::RDS::DBCluster) CREATE_FAILED: quota');
  });

  it('formats an event as a log line with time, status, resource and reason', () => {
    const line = formatEvent(
      event({
        status: 'CREATE_FAILED',
        id: 'Db',
        type: 'AWS::RDS::DBCluster',
        at: new Date('2026-01-01T08:09:10Z'),
        reason: 'quota',
      }),
    );
    expect(line).toMatch(/^08:09:10 {2}CREATE_FAILED +Db \(AWS::RDS::DBCluster\) {2}quota$/);
  });

  it('puts the root cause in the error message', () => {
    const error = new StackOperationError(
      's',
      'create',
      'ROLLBACK_COMPLETE',
      failedCreate(),
      'arn:stack',
    );
    expect(error.message).toBe(
      'Stack "s" create failed with status ROLLBACK_COMPLETE: Subnet (AWS::EC2::Subnet) CREATE_FAILED: The CIDR 10.0.0.0/24 conflicts with another subnet',
    );
    expect(error.rootCause?.logicalId).toBe('Subnet');
    expect(error.stackId).toBe('arn:stack');
  });
});
