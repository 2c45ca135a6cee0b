/**
 * Intrinsic evaluation in the context of a stack: pseudo parameters, its resources' physical IDs
 * and attributes, exports of other stacks, and the stack's outputs.
 */
import { Evaluator, unknownValue } from './intrinsics.js';
import { validationError } from './query-protocol.js';
import { isCustomType, type ResourceSpec } from './resource-spec.js';
import { attributeValue, type Placement } from './resource-values.js';
import type { Deployment, Output, StackRecord } from './stack-model.js';

/** How a change-set preview resolves resources instead of reading the stack. */
export type Resolver = { ref(id: string): unknown; getAtt(id: string, attribute: string): unknown };

export class StackEvaluation {
  constructor(
    private readonly spec: ResourceSpec,
    private readonly region: string,
    private readonly accountId: string,
    private readonly stacks: () => StackRecord[],
  ) {}

  placement(stack: StackRecord): Placement {
    return { stackName: stack.name, region: this.region, accountId: this.accountId };
  }

  attribute(stack: StackRecord, resourceId: string, attribute: string): unknown {
    const resource = stack.resources.get(resourceId);
    if (!resource?.physicalId) return unknownValue(resourceId, attribute);
    return attributeValue(
      resource.type,
      resource.physicalId,
      resource.properties,
      attribute,
      this.placement(stack),
    );
  }

  private checkAttribute(deployment: Deployment, id: string, attribute: string): void {
    const type = deployment.template.Resources[id]?.Type ?? '';
    const known = this.spec.get(type)?.attributes;
    if (this.spec.complete && known && !isCustomType(type) && !known.has(attribute)) {
      throw validationError(
        `Template error: resource ${id} does not support attribute type ${attribute} in Fn::GetAtt`,
      );
    }
  }

  evaluator(stack: StackRecord, deployment: Deployment, resolver?: Resolver): Evaluator {
    return new Evaluator(deployment.template, {
      parameters: deployment.parameters.values,
      pseudo: {
        region: this.region,
        accountId: this.accountId,
        stackName: stack.name,
        stackId: stack.stackId,
      },
      ref: (id) =>
        resolver ? resolver.ref(id) : (stack.resources.get(id)?.physicalId ?? unknownValue(id)),
      getAtt: (id, attribute) => {
        this.checkAttribute(deployment, id, attribute);
        return resolver ? resolver.getAtt(id, attribute) : this.attribute(stack, id, attribute);
      },
      importValue: (name) => this.exportedValue(name),
    });
  }

  private exportedValue(name: string): string {
    for (const stack of this.stacks()) {
      if (stack.status === 'DELETE_COMPLETE') continue;
      const output = stack.outputs.find((o) => o.ExportName === name);
      if (output) return output.OutputValue;
    }
    throw validationError(`No export named ${name} found.`);
  }

  outputsOf(stack: StackRecord, deployment: Deployment): Output[] {
    const evaluator = this.evaluator(stack, deployment);
    const outputs: Output[] = [];
    for (const [key, output] of Object.entries(deployment.template.Outputs ?? {})) {
      try {
        if (output.Condition !== undefined && !evaluator.condition(output.Condition)) continue;
        const value = evaluator.evaluate(output.Value);
        outputs.push({
          OutputKey: key,
          OutputValue: Array.isArray(value) ? value.join(',') : String(value),
          Description: output.Description,
          ExportName: output.Export ? String(evaluator.evaluate(output.Export.Name)) : undefined,
        });
      } catch {
        // Checked when the change set was created; a value that still fails is simply left out.
      }
    }
    return outputs;
  }
}
