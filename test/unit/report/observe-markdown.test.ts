import { describe, expect, it } from 'vitest';
import { observeLinks } from '../../../src/report/observe-markdown.js';

const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/pr-env-shop-pr-12/1';
const OUTPUTS = {
  LogGroupName: '/pr-env/pr-env-shop-pr-12/app',
  DashboardName: 'pr-env-shop-pr-12',
};

describe('observeLinks', () => {
  it('links the log group and dashboard in the console of the stack’s region', () => {
    expect(observeLinks(OUTPUTS, STACK_ID)).toEqual({
      logGroup: {
        name: '/pr-env/pr-env-shop-pr-12/app',
        url: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fpr-env$252Fpr-env-shop-pr-12$252Fapp',
        tail: 'aws logs tail /pr-env/pr-env-shop-pr-12/app --follow --region eu-west-1',
      },
      dashboard: {
        name: 'pr-env-shop-pr-12',
        url: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/pr-env-shop-pr-12',
      },
    });
  });

  it('uses the console of the stack’s partition', () => {
    const china = observeLinks(
      OUTPUTS,
      STACK_ID.replace('aws:cloudformation:eu-west-1', 'aws-cn:cloudformation:cn-north-1'),
    );
    expect(china.dashboard?.url).toMatch(
      /^https:\/\/cn-north-1\.console\.amazonaws\.cn\/cloudwatch\/home\?region=cn-north-1#/,
    );
    const gov = observeLinks(
      OUTPUTS,
      STACK_ID.replace('aws:cloudformation:eu-west-1', 'aws-us-gov:cloudformation:us-gov-west-1'),
    );
    expect(gov.logGroup?.url).toMatch(/^https:\/\/us-gov-west-1\.console\.amazonaws-us-gov\.com\//);
  });

  it('without a stack ID, still gives the tail command, but no link it cannot place', () => {
    expect(observeLinks(OUTPUTS, undefined)).toEqual({
      logGroup: {
        name: '/pr-env/pr-env-shop-pr-12/app',
        url: undefined,
        tail: 'aws logs tail /pr-env/pr-env-shop-pr-12/app --follow',
      },
    });
  });

  it('gives nothing for a template without the outputs', () => {
    expect(observeLinks({ EnvironmentUrl: 'http://x' }, STACK_ID)).toEqual({});
  });

  it('quotes a log group name a shell would split', () => {
    expect(observeLinks({ LogGroupName: "/a b/it's" }, undefined).logGroup?.tail).toBe(
      "aws logs tail '/a b/it'\\''s' --follow",
    );
  });
});
