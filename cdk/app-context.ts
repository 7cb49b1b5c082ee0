/**
 * The CDK context the app reads (`cdk synth --context stage=prod --context alarmEmail=…`),
 * checked so that a typo fails the synth with a clear message.
 *
 * @example
 * readAppContext(app.node); // { stageName: 'dev' }
 */
import type { Node } from 'constructs';
import { DEFAULT_STAGE } from './pipeline-naming.ts';

export interface AppContext {
  /** Context `stage`. @default 'dev' */
  readonly stageName: string;
  /** Context `alarmEmail`, subscribed to the critical alarms. @default - no e-mail subscription */
  readonly alarmEmail?: string;
  /** Context `warningEmail`, subscribed to the warning alarms. @default - no e-mail subscription */
  readonly warningEmail?: string;
  /**
   * Context `dispatcherReservedConcurrency`: a whole number, or `none` for no reservation (an
   * account whose concurrency quota is still 10 cannot reserve any). @default 1
   */
  readonly dispatcherReservedConcurrency?: number | null;
}

export function readAppContext(node: Node): AppContext {
  const stageName = optionalString(node, 'stage') ?? DEFAULT_STAGE;
  const alarmEmail = optionalString(node, 'alarmEmail');
  const warningEmail = optionalString(node, 'warningEmail');
  const reserved = optionalString(node, 'dispatcherReservedConcurrency');
  let dispatcherReservedConcurrency: number | null | undefined;
  if (reserved === 'none') dispatcherReservedConcurrency = null;
  else if (reserved !== undefined) {
    dispatcherReservedConcurrency = Number(reserved);
    if (!Number.isInteger(dispatcherReservedConcurrency) || dispatcherReservedConcurrency < 1) {
      throw new Error(`context "dispatcherReservedConcurrency" must be a whole number ≥ 1 or "none", got ${JSON.stringify(reserved)}`);
    }
  }
  return {
    stageName,
    ...(alarmEmail !== undefined && { alarmEmail }),
    ...(warningEmail !== undefined && { warningEmail }),
    ...(dispatcherReservedConcurrency !== undefined && { dispatcherReservedConcurrency }),
  };
}

function optionalString(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new Error(`context "${key}" must be a string, got ${JSON.stringify(value)}`);
  }
  return value;
}
