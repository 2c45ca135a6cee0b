/**
 * A visit to an environment's URL, answered as its Application Load Balancer would from what the
 * stack provisioned: the listener's default action (an HTTP redirect followed to HTTPS), then its
 * target group. An `instance` group answers as the app when the Auto Scaling group has capacity,
 * else with the load balancer's own 503. A `lambda` group invokes its function: the code the
 * stack's `Code` names in this simulator's S3, run in a child process as Lambda's Node.js runtime
 * would (CommonJS `index.handler`, the AWS SDK on NODE_PATH, the function's environment), with an
 * ALB event, talking to this simulator with credentials of its own.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';
import type { AwsSimulator } from './index.js';
import type { ResourceView } from './views.js';

/** What a visit got back. */
export interface Visit {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** `app`, `lambda`, or `load-balancer` (its own error page). */
  answeredBy: 'app' | 'lambda' | 'load-balancer';
  /** What the function wrote to its console (CloudWatch Logs, on AWS). */
  log?: string;
}

/** The access key the function's calls carry, so a test can tell them from the action's. */
export const FUNCTION_ACCESS_KEY = 'AKIDWAKEFUNCTION';

const NODE_MODULES = fileURLToPath(new URL('../../../node_modules', import.meta.url));

// ALB's own answer with no healthy target (its body, as it sends it).
const UNAVAILABLE: Visit = {
  status: 503,
  headers: { 'content-type': 'text/html' },
  body: '<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>',
  answeredBy: 'load-balancer',
};
const BAD_GATEWAY: Visit = {
  status: 502,
  headers: { 'content-type': 'text/html' },
  body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
  answeredBy: 'load-balancer',
};

type Props = Record<string, unknown>;

function live(resources: ResourceView[], type: string): ResourceView[] {
  return resources.filter((r) => r.type === type && !/DELETE_COMPLETE/.test(r.status));
}

/** Visits the environment of stack `name` at `urlPath`. */
export async function visitEnvironment(
  sim: AwsSimulator,
  name: string,
  urlPath = '/',
): Promise<Visit> {
  const stack = sim.stack(name);
  if (!stack) throw new Error(`sim: no stack "${name}" to visit`);
  const listeners = live(stack.resources, 'AWS::ElasticLoadBalancingV2::Listener');
  const byPort = (port: number) => listeners.find((l) => Number(l.properties.Port) === port);
  let listener = byPort(80) ?? listeners[0];
  let [action] = (listener?.properties.DefaultActions ?? []) as Props[];
  if (action?.Type === 'redirect') {
    listener = byPort(443);
    [action] = (listener?.properties.DefaultActions ?? []) as Props[];
  }
  if (!listener || action?.Type !== 'forward') {
    throw new Error(`sim: stack "${name}" has no listener that forwards`);
  }
  const group = live(stack.resources, 'AWS::ElasticLoadBalancingV2::TargetGroup').find(
    (g) => g.physicalId === action.TargetGroupArn,
  );
  if (!group) return UNAVAILABLE;
  if (group.properties.TargetType !== 'lambda') {
    const asg = live(stack.resources, 'AWS::AutoScaling::AutoScalingGroup')[0];
    if (Number(asg?.properties.DesiredCapacity ?? 0) === 0) return UNAVAILABLE;
    return {
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: `app ${stack.parameters.AppVersion ?? ''}`.trim(),
      answeredBy: 'app',
    };
  }
  const [target] = (group.properties.Targets ?? []) as Props[];
  const fn = live(stack.resources, 'AWS::Lambda::Function').find(
    (f) => functionArn(sim, f.physicalId ?? '') === target?.Id,
  );
  // The load balancer may invoke only a function that grants it lambda:InvokeFunction.
  const allowed = live(stack.resources, 'AWS::Lambda::Permission').some(
    (p) =>
      p.properties.Principal === 'elasticloadbalancing.amazonaws.com' &&
      p.properties.FunctionName === target?.Id,
  );
  if (!fn || !allowed) return BAD_GATEWAY;
  return invoke(sim, fn, String(group.physicalId), urlPath);
}

function functionArn(sim: AwsSimulator, name: string): string {
  return `arn:aws:lambda:${sim.region}:${sim.accountId}:function:${name}`;
}

async function invoke(
  sim: AwsSimulator,
  fn: ResourceView,
  targetGroupArn: string,
  urlPath: string,
): Promise<Visit> {
  const code = fn.properties.Code as { S3Bucket?: string; S3Key?: string };
  const zip = sim.getObject(code.S3Bucket ?? '', code.S3Key ?? '');
  if (!zip) throw new Error(`sim: no code at s3://${code.S3Bucket}/${code.S3Key}`);
  const [file, exported] = String(fn.properties.Handler ?? 'index.handler').split('.');
  const dir = mkdtempSync(path.join(tmpdir(), 'sim-lambda-'));
  try {
    writeFileSync(path.join(dir, `${file}.js`), await zipEntry(zip, `${file}.js`));
    const event = {
      requestContext: { elb: { targetGroupArn } },
      httpMethod: 'GET',
      path: urlPath,
      queryStringParameters: {},
      headers: { host: 'pr-env.example', 'user-agent': 'sim' },
      body: '',
      isBase64Encoded: false,
    };
    const variables = (fn.properties.Environment as { Variables?: Record<string, string> })
      ?.Variables;
    const log = await runHandler(dir, `${file}.js`, exported ?? 'handler', event, {
      ...variables,
      NODE_PATH: NODE_MODULES,
      AWS_REGION: sim.region,
      AWS_ENDPOINT_URL: sim.url,
      AWS_ACCESS_KEY_ID: FUNCTION_ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: 'sim-secret',
      AWS_LAMBDA_FUNCTION_NAME: fn.physicalId ?? '',
      PATH: process.env.PATH ?? '',
    });
    const answer = JSON.parse(readFileSync(path.join(dir, 'answer.json'), 'utf8')) as {
      statusCode?: number;
      headers?: Record<string, string>;
      body?: string;
    };
    // ALB answers 502 for a function response without a status code.
    if (typeof answer.statusCode !== 'number') return { ...BAD_GATEWAY, log };
    return {
      status: answer.statusCode,
      headers: answer.headers ?? {},
      body: answer.body ?? '',
      answeredBy: 'lambda',
      log,
    };
  } catch {
    // A function that throws or times out: the load balancer's 502.
    return BAD_GATEWAY;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The function's console is its log (stdout and stderr); its answer goes to a file of its own.
const RUNTIME = `
const [file, exported] = process.argv.slice(1);
let input = '';
process.stdin.on('data', (d) => (input += d)).on('end', async () => {
  const handler = require(require('node:path').resolve(file))[exported];
  const answer = await handler(JSON.parse(input), {});
  require('node:fs').writeFileSync('answer.json', JSON.stringify(answer));
});`;

function runHandler(
  dir: string,
  file: string,
  exported: string,
  event: unknown,
  env: Record<string, string>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['-e', RUNTIME, file, exported],
      { cwd: dir, env, timeout: 15_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(stdout + stderr);
      },
    );
    child.stdin?.end(JSON.stringify(event));
  });
}

function zipEntry(zip: Buffer, name: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error || !archive) return reject(error ?? new Error('sim: not a zip'));
      archive.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return archive.readEntry();
        archive.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err ?? new Error(`sim: cannot read ${name}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => resolve(Buffer.concat(chunks)));
        });
      });
      archive.on('end', () => reject(new Error(`sim: no ${name} in the function's code`)));
      archive.readEntry();
    });
  });
}
