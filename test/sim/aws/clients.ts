/**
 * Real SDK clients (and child-process environment) pointed at a running simulator.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';

interface Endpoint {
  url: string;
  region: string;
}

export interface ClientOverrides {
  maxAttempts?: number;
}

export function clientConfig(sim: Endpoint, overrides: ClientOverrides = {}) {
  return {
    endpoint: sim.url,
    region: sim.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...overrides,
  };
}

export function sdkClients(sim: Endpoint, overrides: ClientOverrides = {}) {
  const config = clientConfig(sim, overrides);
  return {
    cloudformation: new CloudFormationClient(config),
    rds: new RDSClient(config),
    // Path style: a custom endpoint has no per-bucket DNS names.
    s3: new S3Client({ ...config, forcePathStyle: true }),
  };
}

/** Environment for a child process (the bundled action) that should talk to the simulator. */
export function simulatorEnv(sim: Endpoint): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: sim.url,
    AWS_REGION: sim.region,
    AWS_DEFAULT_REGION: sim.region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
