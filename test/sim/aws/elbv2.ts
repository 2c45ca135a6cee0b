/**
 * Elastic Load Balancing v2, as far as the preflight's count goes: DescribeLoadBalancers over
 * the simulated stacks' live load balancers, plus extras a test seeds (other teams' load
 * balancers, which count against the regional quota all the same). The Query protocol, as ELB
 * speaks it: `<member>` lists, a `Marker`/`NextMarker` page, and a `<ErrorResponse>`.
 */
import { isLive } from './changes.js';
import { QueryError, type QueryParams } from './query-protocol.js';
import type { StackRecord } from './stack-model.js';

export const ELB_NAMESPACE = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

/** DescribeLoadBalancers' PageSize: 1 to 400, as the API documents it. */
const PAGE_SIZE_MAX = 400;

interface LoadBalancer {
  LoadBalancerArn: string;
  LoadBalancerName: string;
  Type: 'application' | 'network';
  Scheme: string;
  State: { Code: string };
}

export class ElbService {
  private readonly extra: LoadBalancer[] = [];
  private readonly denied = new Set<string>();

  constructor(
    private readonly options: {
      region: string;
      accountId: string;
      stacks: () => StackRecord[];
      /** How long an instance is `initial` after its Auto Scaling group was last provisioned. */
      targetHealthyAfterMs?: number;
    },
  ) {}

  /** Adds load balancers outside any stack. */
  seed(count: number, type: LoadBalancer['Type'] = 'application'): void {
    for (let i = 0; i < count; i++) {
      const name = `other-team-${this.extra.length + 1}`;
      this.extra.push({
        LoadBalancerArn: `arn:aws:elasticloadbalancing:${this.options.region}:${this.options.accountId}:loadbalancer/${type === 'application' ? 'app' : 'net'}/${name}/${String(this.extra.length).padStart(16, '0')}`,
        LoadBalancerName: name,
        Type: type,
        Scheme: 'internet-facing',
        State: { Code: 'active' },
      });
    }
  }

  /** Answers `action` with AccessDenied, as IAM does without elasticloadbalancing:<action>. */
  deny(action: 'DescribeLoadBalancers' | 'DescribeTargetHealth' = 'DescribeLoadBalancers'): void {
    this.denied.add(action);
  }

  allow(): void {
    this.denied.clear();
  }

  loadBalancers(): LoadBalancer[] {
    const fromStacks = this.options
      .stacks()
      .flatMap((s) => [...s.resources.values()])
      .filter(
        (r) =>
          r.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' &&
          isLive(r) &&
          r.status !== 'CREATE_FAILED',
      )
      .map((r) => {
        const arn = r.physicalId ?? '';
        return {
          LoadBalancerArn: arn,
          LoadBalancerName: arn.split('/').at(-2) ?? '',
          Type: (r.properties.Type === 'network'
            ? 'network'
            : 'application') as LoadBalancer['Type'],
          Scheme: String(r.properties.Scheme ?? 'internet-facing'),
          State: { Code: 'active' },
        };
      });
    return [...this.extra, ...fromStacks];
  }

  /**
   * DescribeTargetHealth of a stack's target group: an `instance` group's targets are the
   * DesiredCapacity instances of the Auto Scaling groups that name it (`TargetGroupARNs`),
   * `initial` (Elb.RegistrationInProgress) for `targetHealthyAfterMs` after the group was last
   * provisioned, then `healthy`; a `lambda` group's one target is its function, `unavailable`
   * (health checks off, as they are by default).
   */
  private targetHealth(params: QueryParams): Record<string, unknown> {
    const arn = params.string('TargetGroupArn') ?? '';
    const resources = this.options.stacks().flatMap((s) => [...s.resources.values()]);
    const group = resources.find(
      (r) =>
        r.type === 'AWS::ElasticLoadBalancingV2::TargetGroup' && isLive(r) && r.physicalId === arn,
    );
    if (!group) {
      throw new QueryError('TargetGroupNotFound', 'One or more target groups not found');
    }
    if (group.properties.TargetType === 'lambda') {
      const targets = (group.properties.Targets ?? []) as Array<{ Id?: string }>;
      return {
        TargetHealthDescriptions: targets.map((t) => ({
          Target: { Id: t.Id },
          TargetHealth: {
            State: 'unavailable',
            Reason: 'Target.HealthCheckDisabled',
            Description: 'Health checks disabled',
          },
        })),
      };
    }
    const port = group.properties.Port;
    const groups = resources.filter(
      (r) =>
        r.type === 'AWS::AutoScaling::AutoScalingGroup' &&
        isLive(r) &&
        ((r.properties.TargetGroupARNs ?? []) as string[]).includes(arn),
    );
    const ready = (r: (typeof groups)[number]) =>
      /_COMPLETE$/.test(r.status) &&
      Date.now() - r.timestamp.getTime() >= (this.options.targetHealthyAfterMs ?? 0);
    return {
      TargetHealthDescriptions: groups.flatMap((r, g) =>
        Array.from({ length: Number(r.properties.DesiredCapacity ?? 0) }, (_, i) => ({
          Target: { Id: `i-0${g}${String(i).padStart(15, '0')}`, Port: port },
          HealthCheckPort: String(port),
          TargetHealth: ready(r)
            ? { State: 'healthy' }
            : {
                State: 'initial',
                Reason: 'Elb.RegistrationInProgress',
                Description: 'Target registration is in progress',
              },
        })),
      ),
    };
  }

  handle(params: QueryParams): Record<string, unknown> {
    if (params.action !== 'DescribeLoadBalancers' && params.action !== 'DescribeTargetHealth') {
      throw new QueryError(
        'InvalidAction',
        `The action ${params.action} is not valid for this web service.`,
      );
    }
    if (this.denied.has(params.action)) {
      throw new QueryError(
        'AccessDenied',
        `User: arn:aws:sts::${this.options.accountId}:assumed-role/pr-env-deploy/GitHubActions is not authorized to perform: elasticloadbalancing:${params.action} because no identity-based policy allows the elasticloadbalancing:${params.action} action`,
        403,
      );
    }
    if (params.action === 'DescribeTargetHealth') return this.targetHealth(params);
    const size = params.number('PageSize') ?? PAGE_SIZE_MAX;
    if (size < 1 || size > PAGE_SIZE_MAX) {
      throw new QueryError(
        'ValidationError',
        `1 validation error detected: Value '${size}' at 'pageSize' failed to satisfy constraint: Member must have value ${size < 1 ? 'greater than or equal to 1' : `less than or equal to ${PAGE_SIZE_MAX}`}`,
      );
    }
    const all = this.loadBalancers();
    const start = Number(params.string('Marker') ?? 0);
    if (!Number.isInteger(start) || start < 0 || start > all.length) {
      throw new QueryError('ValidationError', 'Invalid value for marker');
    }
    const end = start + size;
    return {
      LoadBalancers: all.slice(start, end),
      NextMarker: end < all.length ? String(end) : undefined,
    };
  }
}
