/**
 * The acceptance path of a new user, from a clean folder outside the repository: `npm pack`,
 * install the tarball into a fresh app with its own jobs, type-check the app, run its test on
 * `sqs-jobs/local` (which also runs the installed CLI), synthesize its CDK stack (cdk-nag clean,
 * the consumer bundle holds its job), bundle an enqueue-only app without CDK or emulators, and
 * start the CLI with production dependencies only.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');
const FIXTURE = join(import.meta.dirname, 'fixture-app');
const repoPackage = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const INSTALL_TIMEOUT_MS = 300_000;

let work: string;
let tarball: string;
let app: string;

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: INSTALL_TIMEOUT_MS });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

/** The same versions the repository tests with, so the install comes from the npm cache. */
const pinned = (...names: string[]) =>
  names.map((name) => `${name}@${repoPackage.devDependencies[name] ?? repoPackage.dependencies[name]}`);

function npmInstall(dir: string, packages: readonly string[]): void {
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...packages], dir);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sqs-jobs-install-'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], REPO)) as [{ filename: string }];
  tarball = join(work, packed[0].filename);
  app = join(work, 'app');
  cpSync(FIXTURE, app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'hello-app', private: true, type: 'module' }, null, 2));
  npmInstall(app, [
    tarball,
    ...pinned('zod', 'aws-cdk-lib', 'constructs', 'cdk-nag', 'fauxqs', 'dynalite', 'typescript', 'esbuild', '@types/node'),
  ]);
}, INSTALL_TIMEOUT_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the build and nothing of tests, benchmarks or examples', () => {
    const [listing] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], REPO)) as [
      { files: { path: string }[] },
    ];
    const paths = listing.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining(['package.json', 'dist/shared/index.js', 'dist/shared/index.d.ts', 'dist/cli/main.js', 'dist/dashboard/public/index.html']),
    );
    expect(paths.filter((p) => !/^(dist\/|package\.json$|README\.md$|CHANGELOG\.md$|LICENSE$)/.test(p))).toEqual([]);
    expect(paths.filter((p) => /(^|\/)(test|bench|examples)\//.test(p))).toEqual([]);
  });

  it("type-checks the app with the app's own tsconfig (payloads and job names checked)", () => {
    run(process.execPath, [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], app);
  });

  it("runs the app's test: the job completes on sqs-jobs/local and the installed CLI shows it", () => {
    const out = run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', 'checks/hello.check.ts'], app);
    expect(out).toMatch(/# pass 1/);
    expect(out).toMatch(/# fail 0/);
  });

  it("synthesizes the app's stack with JobPipeline over its module: cdk-nag clean, the consumer bundles its job", () => {
    const outdir = join(app, 'cdk.out');
    run(process.execPath, ['--import', 'tsx', 'infra/app.ts'], app, { ...process.env, CDK_OUTDIR: outdir });
    const template = JSON.parse(readFileSync(join(outdir, 'HelloJobs.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(6); // five consumers and the dispatcher
    const bundles = readdirSync(outdir)
      .filter((name) => name.startsWith('asset.'))
      .map((name) => join(outdir, name, 'index.mjs'))
      .flatMap((file) => {
        try {
          return [readFileSync(file, 'utf8')];
        } catch {
          return [];
        }
      });
    expect(bundles.some((code) => code.includes('hello.say'))).toBe(true);
  });

  it("runs `sqs-jobs dev` on the app's own jobs (found as sqs-jobs.config.ts) until stopped", async () => {
    const dev = spawn(join(app, 'node_modules', '.bin', 'sqs-jobs'), ['dev'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    dev.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    dev.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => dev.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!out.includes('Pipeline running') && Date.now() < deadline && dev.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    dev.kill('SIGTERM');
    expect(out).toContain('Pipeline running');
    expect(out).toMatch(/export SQS_JOBS_QUEUES='\{"high-priority":/);
    expect(await exited).toBe(143);
  });

  it('synthesizes from a CommonJS CDK app too (the `cdk init` template has no "type": "module")', () => {
    const cjs = join(work, 'cjs-app');
    cpSync(join(app, 'src'), join(cjs, 'src'), { recursive: true });
    cpSync(join(app, 'infra'), join(cjs, 'infra'), { recursive: true });
    cpSync(join(app, 'package-lock.json'), join(cjs, 'package-lock.json'));
    writeFileSync(join(cjs, 'package.json'), JSON.stringify({ name: 'hello-cjs-app', private: true }));
    symlinkSync(join(app, 'node_modules'), join(cjs, 'node_modules'));
    const outdir = join(cjs, 'cdk.out');
    run(process.execPath, ['--import', 'tsx', 'infra/app.ts'], cjs, { ...process.env, CDK_OUTDIR: outdir });
    expect(readdirSync(outdir)).toContain('HelloJobs.template.json');
  });

  it('bundles an enqueue-only app without the CDK or the emulators', () => {
    const metafile = join(work, 'meta.json');
    run(
      join(app, 'node_modules', '.bin', 'esbuild'),
      ['checks/enqueue-only.ts', '--bundle', '--platform=node', '--format=esm', `--metafile=${metafile}`, '--outfile=/dev/null'],
      app,
    );
    const inputs = Object.keys((JSON.parse(readFileSync(metafile, 'utf8')) as { inputs: object }).inputs);
    expect(inputs.some((p) => p.includes('node_modules/sqs-jobs/dist/shared/'))).toBe(true);
    expect(inputs.filter((p) => /aws-cdk-lib|\/constructs\/|fauxqs|dynalite|sqs-jobs\/dist\/(cdk|local|cli)\//.test(p))).toEqual([]);
  });

  it('starts the CLI with production dependencies only, and names the missing emulators for dev', () => {
    const bare = join(work, 'bare');
    cpSync(join(FIXTURE, 'src'), join(bare, 'src'), { recursive: true });
    writeFileSync(join(bare, 'package.json'), JSON.stringify({ name: 'bare-app', private: true, type: 'module' }));
    npmInstall(bare, [tarball, ...pinned('zod')]);
    const cli = join(bare, 'node_modules', '.bin', 'sqs-jobs');
    expect(run(cli, ['--help'], bare)).toContain('Operate an sqs-jobs pipeline');
    let failure = '';
    try {
      execFileSync(cli, ['--config', 'src/jobs.ts', 'dev'], { cwd: bare, encoding: 'utf8', stdio: 'pipe', timeout: 60_000 });
    } catch (error) {
      failure = String((error as { stderr?: string }).stderr);
    }
    expect(failure).toContain('npm install --save-dev fauxqs dynalite');
  }, INSTALL_TIMEOUT_MS);
});
