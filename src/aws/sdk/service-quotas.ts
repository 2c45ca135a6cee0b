// What pr-env uses of Service Quotas, loaded on first use (see ec2.ts for why not the package).
export { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
