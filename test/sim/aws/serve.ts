/**
 * Runs the simulator as its own process, for demos and manual runs:
 *
 *   npx tsx test/sim/aws/serve.ts --port 4566 --resource-delay-ms 200
 *
 * Prints `AWS simulator listening on http://127.0.0.1:PORT` once ready; stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { AwsSimulator } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    region: { type: 'string', default: 'us-east-1' },
    'resource-delay-ms': { type: 'string', default: '200' },
    'change-set-delay-ms': { type: 'string', default: '200' },
  },
});

const sim = await AwsSimulator.start({
  port: Number(values.port),
  region: values.region,
  resourceDelayMs: Number(values['resource-delay-ms']),
  changeSetDelayMs: Number(values['change-set-delay-ms']),
});
console.log(`AWS simulator listening on ${sim.url}`);

const stop = () => {
  void sim.stop().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
