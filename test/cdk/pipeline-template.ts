/**
 * Builds a pipeline stack once and offers small lookups over its template, so each test file
 * synthesizes (and bundles) as few times as possible. Consumers bundle a small fixture instead
 * of the generated entry; the packaging test bundles the real one.
 */
import { join } from 'node:path';
import { App, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { JobPipeline, type JobPipelineProps } from '../../cdk/job-pipeline.ts';
import { addPipelineOutputs } from '../../cdk/pipeline-outputs.ts';
import { DemoStack, type DemoStackProps } from '../../examples/demo/infra/demo-stack.ts';

/** A stack holding one pipeline and its outputs, nothing else. */
export class PipelineTestStack extends Stack {
  readonly pipeline: JobPipeline;
  constructor(scope: Construct, id: string, props: StackProps & JobPipelineProps) {
    super(scope, id, props);
    this.pipeline = new JobPipeline(this, 'Pipeline', props);
    addPipelineOutputs(this, this.pipeline);
  }
}

type PipelineHost = Stack & { readonly pipeline: JobPipeline };

export const FIXTURE_ENTRY = join(import.meta.dirname, 'fixtures', 'consumer.ts');
export const DISPATCHER_FIXTURE_ENTRY = join(import.meta.dirname, 'fixtures', 'dispatcher.ts');

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface CfnResource {
  readonly Type: string;
  readonly Properties: { [key: string]: Json };
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface SynthesizedPipeline {
  readonly app: App;
  readonly stack: PipelineHost;
  readonly template: Template;
  readonly nag: AwsSolutionsChecks;
  /** Directory of the cloud assembly, holding the bundled assets. */
  readonly assemblyDir: string;
  /** The CloudFormation template as plain JSON. */
  readonly json: { Resources: Record<string, CfnResource>; Outputs: Record<string, { Value: Json }> };
}

/**
 * Synthesizes a stack with the AwsSolutions pack registered, as the demo's CDK app does: an
 * unacknowledged finding makes `app.synth()` throw with the report. `extend` adds constructs
 * (say, a producer role) before synthesis.
 */
export function synthesizePipeline(
  props: JobPipelineProps = {},
  extend: (stack: PipelineHost) => void = () => {},
): SynthesizedPipeline {
  return synthesize((app) => new PipelineTestStack(app, 'PipelineTest', { ...fixtureEntries, ...props }), extend);
}

/** The demo app's stack: its jobs module (classes, schedules), report bucket and outputs. */
export function synthesizeDemo(props: DemoStackProps = {}): SynthesizedPipeline {
  return synthesize((app) => new DemoStack(app, 'PipelineTest', { ...fixtureEntries, ...props }), () => {});
}

const fixtureEntries = { consumerEntry: FIXTURE_ENTRY, dispatcherEntry: DISPATCHER_FIXTURE_ENTRY };

function synthesize(build: (app: App) => PipelineHost, extend: (stack: PipelineHost) => void): SynthesizedPipeline {
  const app = new App();
  const stack = build(app);
  extend(stack);
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);
  const assembly = app.synth();
  const json = assembly.getStackByName(stack.stackName).template as SynthesizedPipeline['json'];
  return { app, stack, template: Template.fromJSON(json), nag, json, assemblyDir: assembly.directory };
}

/** The template's resource with this logical id; throws when there is none. */
export function resourceById(json: SynthesizedPipeline['json'], id: string): CfnResource {
  const found = json.Resources[id];
  if (!found) throw new Error(`no resource ${id}`);
  return found;
}

export function resourcesOfType(json: SynthesizedPipeline['json'], type: string): Array<[string, CfnResource]> {
  return Object.entries(json.Resources).filter(([, resource]) => resource.Type === type);
}

/** Logical id of the one resource of `type` whose property `key` equals `value`. */
export function logicalIdWhere(json: SynthesizedPipeline['json'], type: string, key: string, value: Json): string {
  const found = resourcesOfType(json, type).filter(([, r]) => JSON.stringify(r.Properties[key]) === JSON.stringify(value));
  if (found.length !== 1 || !found[0]) throw new Error(`expected one ${type} with ${key}=${JSON.stringify(value)}, found ${found.length}`);
  return found[0][0];
}

/** Every logical id a value points at through Ref or Fn::GetAtt. */
export function referencedIds(value: Json): Set<string> {
  const ids = new Set<string>();
  const visit = (node: Json): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node !== null && typeof node === 'object') {
      const ref = node['Ref'];
      const getAtt = node['Fn::GetAtt'];
      if (typeof ref === 'string') ids.add(ref);
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') ids.add(getAtt[0]);
      Object.values(node).forEach(visit);
    }
  };
  visit(value);
  return ids;
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: Json;
  readonly Condition?: Json;
  readonly Principal?: Json;
}

/** Statements of every inline policy attached to the role with this logical id. */
export function roleStatements(json: SynthesizedPipeline['json'], roleId: string): Statement[] {
  return resourcesOfType(json, 'AWS::IAM::Policy')
    .filter(([, policy]) => referencedIds(policy.Properties['Roles'] ?? []).has(roleId))
    .flatMap(([, policy]) => statementsOf(policy.Properties['PolicyDocument'] ?? null));
}

export function statementsOf(document: Json): Statement[] {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return [];
  const statements = document['Statement'];
  return Array.isArray(statements) ? (statements as unknown as Statement[]) : [];
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export interface DashboardWidget {
  readonly type: string;
  readonly width: number;
  readonly properties: {
    readonly title?: string;
    readonly markdown?: string;
    readonly metrics?: Json[][];
    readonly annotations?: { readonly horizontal?: Json[] };
  };
}

/**
 * The widgets of the template's one dashboard. The body is a Fn::Join of JSON text and tokens;
 * the tokens are rendered as `{Ref:<id>}` and `{GetAtt:<id>.<attribute>}` so the body parses.
 */
export function dashboardWidgets(json: SynthesizedPipeline['json']): DashboardWidget[] {
  const dashboards = resourcesOfType(json, 'AWS::CloudWatch::Dashboard');
  const body = dashboards[0]?.[1].Properties['DashboardBody'];
  if (dashboards.length !== 1 || body === undefined) throw new Error(`expected one dashboard, found ${dashboards.length}`);
  return (JSON.parse(renderTokens(body)) as { widgets: DashboardWidget[] }).widgets;
}

function renderTokens(value: Json): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return join[1].map(renderTokens).join(join[0]);
    }
    const ref = value['Ref'];
    if (typeof ref === 'string') return `{Ref:${ref}}`;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `{GetAtt:${getAtt.join('.')}}`;
  }
  throw new Error(`unexpected value in the dashboard body: ${JSON.stringify(value)}`);
}
