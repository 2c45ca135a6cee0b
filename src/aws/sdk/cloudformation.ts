// The CloudFormation client, loaded on first use (see ec2.ts for why not the package itself).
// Its commands are imported statically where they are sent: every run that gets this far uses them.
export { CloudFormationClient } from '@aws-sdk/client-cloudformation';
