/**
 * X-Ray active tracing on the pipeline's functions. Lambda's tracing needs
 * `xray:PutTraceSegments` and `xray:PutTelemetryRecords`, which CDK adds to the function's role
 * on `Resource: *`: X-Ray has no resource-level permissions for them. cdk-nag's IAM5 finding for
 * that wildcard is acknowledged on the role's default policy, with the reason.
 *
 * @example
 * new NodejsFunction(this, 'Fn', { role, tracing: Tracing.ACTIVE, ... });
 * acknowledgeTracingWildcard(role);
 */
import { Validations } from 'aws-cdk-lib';
import type { Role } from 'aws-cdk-lib/aws-iam';

/** The cdk-nag finding id of a `Resource: *` statement. */
export const WILDCARD_RESOURCE_FINDING = 'AwsSolutions-IAM5[Resource::*]';

export const TRACING_WILDCARD_REASON =
  'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level ' +
  'permissions, so Lambda needs them on "*"; no other statement of this policy has a wildcard resource.';

/** Acknowledges the X-Ray wildcard on `role`'s default policy (which must exist by now). */
export function acknowledgeTracingWildcard(role: Role): void {
  Validations.of(role.node.findChild('DefaultPolicy')).acknowledge({
    id: WILDCARD_RESOURCE_FINDING,
    reason: TRACING_WILDCARD_REASON,
  });
}
