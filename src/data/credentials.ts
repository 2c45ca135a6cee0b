import { shellQuoted } from '../shell.js';

/**
 * The environment's own credentials: its cluster has a master password of its own, generated into
 * a Secrets Manager secret the stack owns (production's password no longer opens it). pr-env never
 * reads that secret; it tells people how to, and how to reach the database through the bastion.
 */

/** The stack outputs that locate the secret and the way in. */
export const CONNECTION_OUTPUTS = {
  secretArn: 'DBSecretArn',
  bastion: 'BastionInstanceId',
  host: 'DBClusterEndpoint',
  port: 'DBPort',
} as const;

export interface ConnectionHelp {
  /** Prints the secret (username, password, host, port, engine) as JSON. */
  password?: string;
  /** Forwards localhost:<port> to the writer endpoint through the bastion, with Session Manager. */
  tunnel?: string;
  localPort?: string;
}

/** The region in an ARN (`arn:aws:secretsmanager:us-east-1:…`) or an RDS endpoint. */
function regionOf(secretArn: string | undefined, host: string | undefined): string | undefined {
  const fromArn = secretArn?.startsWith('arn:') ? secretArn.split(':')[3] : undefined;
  const fromHost = /\.([a-z]{2}(?:-[a-z]+)+-\d)\.rds\.amazonaws\.com$/.exec(host ?? '')?.[1];
  return fromArn || fromHost;
}

/** The commands that fetch the password and open a tunnel, filled in from the outputs. Pure. */
export function connectionHelp(outputs: Record<string, string>): ConnectionHelp {
  const secret = outputs[CONNECTION_OUTPUTS.secretArn];
  const bastion = outputs[CONNECTION_OUTPUTS.bastion];
  const host = outputs[CONNECTION_OUTPUTS.host];
  const port = outputs[CONNECTION_OUTPUTS.port];
  const region = regionOf(secret, host);
  const inRegion = region ? [`--region ${shellQuoted(region)}`] : [];
  const help: ConnectionHelp = {};
  if (secret) {
    help.password = [
      'aws secretsmanager get-secret-value',
      ...inRegion,
      `--secret-id ${shellQuoted(secret)}`,
      '--query SecretString --output text',
    ].join(' ');
  }
  if (bastion && host && port) {
    help.localPort = port;
    help.tunnel = [
      'aws ssm start-session',
      ...inRegion,
      `--target ${shellQuoted(bastion)}`,
      '--document-name AWS-StartPortForwardingSessionToRemoteHost',
      `--parameters ${shellQuoted(`host=${host},portNumber=${port},localPortNumber=${port}`)}`,
    ].join(' ');
  }
  return help;
}
