/** Loading an app's jobs module: what the CLI's --config and the construct's jobs.entry read. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConfigFile, loadAppModule } from '../../shared/app-module.ts';
import { ConfigurationError } from '../../shared/errors.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'jobs-modules');
const demo = join(import.meta.dirname, '..', '..', 'examples', 'demo');

describe('loadAppModule', () => {
  it("loads the demo's config: registry with its classes, and schedules", async () => {
    const app = await loadAppModule(join(demo, 'sqs-jobs.config.ts'));
    expect(app.registry.definitions.map((d) => d.name)).toContain('report.generate');
    expect(Object.keys(app.registry.classes)).toContain('reports');
    expect(app.schedules.map((s) => s.name)).toEqual(['nightly-sales-report', 'heartbeat']);
  });

  it('reads other export names, and a module of its own classes', async () => {
    const app = await loadAppModule(join(fixtures, 'custom-classes.ts'), { registryExport: 'registry', schedulesExport: 'nightly' });
    expect(Object.keys(app.registry.classes)).toEqual(['bulk']);
    expect(app.schedules[0]).toMatchObject({ name: 'nightly-import', class: 'bulk' });
  });

  it('names a module that exports no registry, and what it exports', async () => {
    await expect(loadAppModule(join(fixtures, 'no-registry.ts'))).rejects.toThrow(
      /no-registry\.ts does not export a job registry as "jobRegistry" \(it exports: registry, somethingElse\)/,
    );
  });

  it("names the job whose class is outside the catalog", async () => {
    const error = await loadAppModule(join(fixtures, 'bad-class.ts')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/bad-class\.ts could not be loaded: .*job "x\.run": class "urgent" is not in the priority-class catalog/);
  });

  it('names a file that does not exist', async () => {
    await expect(loadAppModule('nope/jobs.ts')).rejects.toThrow('jobs module nope/jobs.ts does not exist');
  });
});

describe('findConfigFile', () => {
  it('finds sqs-jobs.config.ts in a directory, and nothing where there is none', () => {
    expect(findConfigFile(demo)).toBe(join(demo, 'sqs-jobs.config.ts'));
    expect(findConfigFile(fixtures)).toBeUndefined();
  });
});
