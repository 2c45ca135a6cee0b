/**
 * The environment template's parameters for a shared network, and the bootstrap's outputs of the
 * same names. Constants only: the inputs load this early, before any AWS client.
 */
export const NETWORK_PARAMETERS = [
  'SharedVpcId',
  'SharedPublicSubnetIds',
  'SharedPrivateSubnetIds',
] as const;
