import * as core from '@actions/core';
import type { Parameter } from '@aws-sdk/client-cloudformation';
import type { CfnTemplate } from '../template/cfn-yaml.js';
import { readAccount, type AccountClients } from './account.js';
import { templateNeeds } from './needs.js';
import {
  QUOTA_INFO,
  quotaProblems,
  type AccountQuotas,
  type AccountUsage,
  type QuotaProblem,
} from './quotas.js';

export interface PreflightInput {
  template: CfnTemplate;
  parameters: Parameter[];
}

/** What the account uses of each quota checked, in one log line. */
function usageLine(usage: AccountUsage, quotas: AccountQuotas): string {
  const parts: string[] = [];
  if (usage.vpcs !== undefined && quotas.vpcs) {
    parts.push(`${QUOTA_INFO.vpcs.name} ${usage.vpcs}/${quotas.vpcs.value}`);
  }
  if (usage.elasticIps !== undefined && quotas.elasticIps) {
    parts.push(`${QUOTA_INFO.elasticIps.name} ${usage.elasticIps}/${quotas.elasticIps.value}`);
  }
  if (usage.natGatewaysByZone && quotas.natGatewaysPerZone) {
    const limit = quotas.natGatewaysPerZone.value;
    const zones = Object.entries(usage.natGatewaysByZone).map(([z, n]) => `${z} ${n}/${limit}`);
    parts.push(
      `${QUOTA_INFO.natGatewaysPerZone.name} ${zones.length > 0 ? zones.join(', ') : `0/${limit}`}`,
    );
  }
  if (usage.loadBalancers !== undefined && quotas.loadBalancers) {
    parts.push(
      `${QUOTA_INFO.loadBalancers.name} ${usage.loadBalancers}/${quotas.loadBalancers.value}`,
    );
  }
  if (usage.freeAddresses) {
    const subnets = Object.entries(usage.freeAddresses).map(([id, n]) => `${id} ${n}`);
    parts.push(`free addresses ${subnets.join(', ')}`);
  }
  return parts.join(', ');
}

/**
 * Checks that the account has room for a new environment: the VPC, Elastic IPs, NAT gateways and
 * load balancer the template creates, against what is in use and the region's quotas, and the
 * free addresses of a shared network's subnets it places things in. A check that cannot run
 * (a missing permission, say) is a warning, never a failure: the create then finds out the slow
 * way, as it did before. Returns the quotas the create would exceed.
 */
export async function checkAccountRoom(
  clients: AccountClients,
  input: PreflightInput,
): Promise<QuotaProblem[]> {
  const needs = templateNeeds(input.template, input.parameters);
  const nothingCounted =
    needs.vpcs === 0 &&
    needs.elasticIps === 0 &&
    needs.natGateways.length === 0 &&
    needs.loadBalancers === 0 &&
    Object.keys(needs.subnetAddresses).length === 0;
  if (nothingCounted) return [];
  const reading = await readAccount(clients, needs);
  for (const skipped of reading.skipped) {
    core.warning(`Preflight: ${skipped}. That check is skipped.`);
  }
  for (const assumed of reading.assumed) core.info(`Preflight: ${assumed}`);
  const { problems, notes } = quotaProblems(needs, reading.usage, reading.quotas);
  for (const note of notes) core.info(`Preflight: ${note}`);
  const line = usageLine(reading.usage, reading.quotas);
  if (line) core.info(`Preflight: in use of quota: ${line}`);
  return problems;
}
