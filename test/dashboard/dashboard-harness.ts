/**
 * The dashboard against the local pipeline: the demo app on test-sized classes (as the CLI
 * tests run it), the front end built into a folder of this run, the server started
 * in-process, and Debian's Chromium driven by playwright-core.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { jobRegistry, schedules } from '../../examples/demo/src/jobs.ts';
import { createAdmin } from '../../shared/admin/admin.ts';
import { buildDashboard } from '../../dashboard/build.ts';
import { startDashboard, type Dashboard } from '../../dashboard/server.ts';
import type { DemoJobRegistry } from '../../examples/demo/src/jobs.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { REPO_ROOT, startCliRuntime } from '../cli/cli-harness.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
/** Screenshots of each page, kept as test artifacts (gitignored). */
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'dashboard');

/** Flags for a machine with no network beyond the registries. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface DashboardRun {
  readonly runtime: LocalRuntime<DemoJobRegistry>;
  readonly dashboard: Dashboard;
  stop(): Promise<void>;
}

export async function startDashboardRun(): Promise<DashboardRun> {
  const assetsDir = await buildDashboard({ outdir: await mkdtemp(join(tmpdir(), 'sqs-jobs-dashboard-')), minify: false });
  const runtime = await startCliRuntime();
  const admin = createAdmin({ registry: jobRegistry, config: runtime.config, clients: runtime.clients });
  const dashboard = await startDashboard({ admin, registry: jobRegistry, schedules, config: runtime.config, assetsDir });
  return {
    runtime,
    dashboard,
    async stop() {
      await dashboard.close();
      await runtime.stop();
    },
  };
}

export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, timeout: 60_000 });
}
