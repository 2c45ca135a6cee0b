import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';

const credentials = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'test-secret' };

describe('createAwsClients', () => {
  it('settles firstAnswer once a client has had its first answer, not before', async () => {
    const env = { ...process.env, ...credentials };
    const saved = { ...process.env };
    Object.assign(process.env, credentials);
    try {
      const aws = createAwsClients('eu-west-1', env);
      let settled = false;
      void aws.firstAnswer.then(() => (settled = true));
      const cfn = await aws.cloudFormation();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(settled).toBe(false);
      // An answer from "AWS": here, the request handler's own (an HTTP 400 error).
      cfn.config.requestHandler = {
        handle: async () => ({
          response: {
            statusCode: 400,
            headers: { 'content-type': 'text/xml' },
            body: Buffer.from(
              '<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id x does not exist</Message></Error></ErrorResponse>',
            ),
          },
        }),
      } as never;
      await expect(cfn.send(new DescribeStacksCommand({ StackName: 'x' }))).rejects.toThrow(
        /does not exist/,
      );
      await aws.firstAnswer;
      expect(settled).toBe(true);
    } finally {
      process.env = saved;
    }
  });
});
