/**
 * KMS's DescribeKey, in the JSON 1.1 protocol (`X-Amz-Target: TrentService.DescribeKey`), for the
 * keys that encrypt snapshots and clusters another account shares: who may use each key is
 * seeded (`usableBy`), as the key's policy would say. This account's own keys are always usable.
 */
import { randomUUID } from 'node:crypto';
import { jsonErrorReply, type JsonReply } from './service-quotas.js';

export const KMS_TARGET = 'TrentService';

export interface KmsKeySeed {
  /** The account the key is in (default: the simulator's). */
  account?: string;
  /** `CUSTOMER` (default) or `AWS` (an AWS managed key such as aws/rds). */
  manager?: 'CUSTOMER' | 'AWS';
  /** `Enabled` (default), `Disabled`, `PendingDeletion`… */
  state?: string;
  /** Other accounts the key's policy lets use it. */
  usableBy?: string[];
}

export interface KmsKey {
  arn: string;
  id: string;
  account: string;
  manager: 'CUSTOMER' | 'AWS';
  state: string;
  usableBy: string[];
  createdAt: Date;
}

export class KmsService {
  readonly keys = new Map<string, KmsKey>();

  constructor(private readonly options: { region: string; accountId: string }) {}

  addKey(seed: KmsKeySeed = {}): KmsKey {
    const id = randomUUID();
    const account = seed.account ?? this.options.accountId;
    const key: KmsKey = {
      arn: `arn:aws:kms:${this.options.region}:${account}:key/${id}`,
      id,
      account,
      manager: seed.manager ?? 'CUSTOMER',
      state: seed.state ?? 'Enabled',
      usableBy: seed.usableBy ?? [],
      createdAt: new Date(),
    };
    this.keys.set(key.arn, key);
    return key;
  }

  /** Whether this account may use the key (its own, or one whose policy names it). */
  usable(arn: string): boolean {
    const key = this.keys.get(arn);
    return (
      key !== undefined &&
      (key.account === this.options.accountId || key.usableBy.includes(this.options.accountId))
    );
  }

  /** `target` is the X-Amz-Target header: `TrentService.<Action>`. */
  handle(target: string, body: string): JsonReply {
    const action = target.startsWith(`${KMS_TARGET}.`) ? target.slice(KMS_TARGET.length + 1) : '';
    if (action !== 'DescribeKey') {
      return jsonErrorReply('UnknownOperationException', `Unknown operation ${target}`);
    }
    const input = JSON.parse(body || '{}') as { KeyId?: string };
    const keyId = String(input.KeyId ?? '');
    const key = this.keys.get(keyId) ?? [...this.keys.values()].find((k) => k.id === keyId);
    // KMS answers a key in another account it may not see as AccessDenied, not NotFound.
    if (key && !this.usable(key.arn)) {
      return jsonErrorReply(
        'AccessDeniedException',
        `User: arn:aws:sts::${this.options.accountId}:assumed-role/pr-env-deploy/GitHubActions is not authorized to perform: kms:DescribeKey on resource: ${key.arn} because no resource-based policy allows the kms:DescribeKey action`,
      );
    }
    if (!key) return jsonErrorReply('NotFoundException', `Key '${keyId}' does not exist`);
    return {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() },
      body: JSON.stringify({
        KeyMetadata: {
          AWSAccountId: key.account,
          KeyId: key.id,
          Arn: key.arn,
          // The JSON protocols send timestamps as epoch seconds.
          CreationDate: key.createdAt.getTime() / 1000,
          Enabled: key.state === 'Enabled',
          Description:
            key.manager === 'AWS'
              ? 'Default key that protects my RDS database volumes when no other key is defined'
              : '',
          KeyUsage: 'ENCRYPT_DECRYPT',
          KeyState: key.state,
          Origin: 'AWS_KMS',
          KeyManager: key.manager,
          CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
          KeySpec: 'SYMMETRIC_DEFAULT',
          EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
          MultiRegion: false,
        },
      }),
    };
  }
}
