/**
 * `JobPipeline({ jobs: { entry } })`: the construct reads the app's module (classes, schedules)
 * at synth time and bundles a generated consumer entry that runs its registry.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { JobPipeline } from '../../cdk/job-pipeline.ts';
import { consumerEntrySource } from '../../cdk/jobs-module.ts';
import { JobPipelinePropsError } from '../../cdk/validate-pipeline-props.ts';
import { defaultPriorityClasses } from '../../shared/priority-classes.ts';
import { FIXTURE_ENTRY, resourcesOfType } from './pipeline-template.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'jobs-modules');
const customEntry = { entry: join(fixtures, 'custom-classes.ts'), registryExport: 'registry', schedulesExport: 'nightly' };

function build(props: ConstructorParameters<typeof JobPipeline>[2]) {
  const app = new App();
  const stack = new Stack(app, 'JobsModuleTest');
  const pipeline = new JobPipeline(stack, 'Pipeline', props);
  return { app, stack, pipeline };
}

const problemsOf = (props: ConstructorParameters<typeof JobPipeline>[2]): readonly string[] => {
  try {
    build(props);
  } catch (error) {
    if (error instanceof JobPipelinePropsError) return error.problems;
    throw error;
  }
  return [];
};

describe('JobPipeline over an app module', () => {
  it("builds the module's classes and schedules, and bundles its registry into the consumer", () => {
    const { app, stack, pipeline } = build({ jobs: customEntry });
    expect(pipeline.classNames).toEqual(['bulk']);
    expect(pipeline.jobsModule?.jobs).toEqual([{ name: 'csv.import', class: 'bulk' }]);
    expect([...pipeline.jobSchedules.schedules.keys()]).toEqual(['nightly-import']);
    const assembly = app.synth();
    const json = assembly.getStackByName(stack.stackName).template as Parameters<typeof resourcesOfType>[0];
    const [[, consumer]] = resourcesOfType(json, 'AWS::Lambda::Function').filter(([, fn]) =>
      String(fn.Properties['FunctionName']).endsWith('-bulk-consumer'),
    ) as unknown as [[string, { Properties: { MemorySize: number; Timeout: number } }]];
    expect(consumer.Properties.Timeout).toBe(defaultPriorityClasses['low-priority'].timeoutSeconds);
    const bundles = readdirSync(assembly.directory)
      .filter((name) => name.startsWith('asset.'))
      .flatMap((name) => readdirSync(join(assembly.directory, name)).filter((f) => f === 'index.mjs').map((f) => join(assembly.directory, name, f)))
      .map((file) => readFileSync(file, 'utf8'));
    expect(bundles.filter((code) => code.includes('csv.import'))).toHaveLength(1);
  });

  it('refuses a missing entry, a module without a registry, and conflicting props, naming each', () => {
    expect(problemsOf({ jobs: { entry: 'src/nope.ts' } })).toEqual([
      expect.stringMatching(/^jobs\.entry src\/nope\.ts does not exist/),
    ]);
    expect(problemsOf({ jobs: { entry: join(fixtures, 'no-registry.ts') } })).toEqual([
      expect.stringMatching(/^jobs\.entry: .*does not export a job registry as "jobRegistry" \(it exports: registry, somethingElse\)/),
    ]);
    expect(problemsOf({ jobs: customEntry, priorityClasses: defaultPriorityClasses, schedules: [] })).toEqual([
      'priorityClasses: pass the classes to createJobRegistry in the jobs module instead',
      'schedules: export them from the jobs module instead',
    ]);
    expect(problemsOf({})).toEqual([expect.stringMatching(/^jobs: required/)]);
    expect(problemsOf({ consumerEntry: FIXTURE_ENTRY })).toEqual([]);
  });
});

describe('the generated consumer entry', () => {
  it('wires Powertools Tracer in only when tracing is on and the app has it', () => {
    const plain = consumerEntrySource('/app/src/jobs.ts', 'jobRegistry', false);
    expect(plain).toContain('import * as app from "/app/src/jobs.ts";');
    expect(plain).toContain('export const handler = createConsumerHandler(registry);');
    expect(plain).not.toContain('tracer');
    const traced = consumerEntrySource('/app/src/jobs.ts', 'jobRegistry', true);
    expect(traced).toContain("import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';");
    expect(traced).toContain('createConsumerHandler(registry, { tracer, middlewares: [captureLambdaHandler(tracer)] })');
  });
});
