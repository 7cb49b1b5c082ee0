/**
 * The dashboard's JSON API: each route calls the admin functions the CLI calls and returns what
 * they return. Reads are GETs; everything that changes state is a POST (the server checks the
 * CSRF token before a POST gets here).
 */
import type { Admin } from '../shared/admin/admin.ts';
import { JobNotFoundError } from '../shared/admin/job-view.ts';
import { InvalidOptionError, SqsJobsError } from '../shared/errors.ts';
import type { JobRegistry } from '../shared/job-registry.ts';
import { jobStatuses, type JobStatus } from '../shared/lifecycle.ts';
import type { PipelineConfig } from '../shared/pipeline-config.ts';
import { DEFAULT_MAX_RELEASES } from '../shared/priority-classes.ts';
import type { Schedule } from '../shared/schedules/schedule-catalog.ts';
import { failedPayloadOf } from '../shared/status-store/job-record.ts';
import { listSchedules } from '../cli/commands/schedule-commands.ts';
import type { DashboardMeta, JobDetail, Overview, PayloadIssue } from './api-types.ts';
import { deadLetterQueues } from './dead-letter-sample.ts';
import { throughputHistory } from './history.ts';
import { statsLevels } from './levels.ts';
import { redriveTasks } from './redrive-tasks.ts';
import { runScheduleNow } from './run-schedule.ts';

export interface ApiDeps {
  readonly admin: Admin;
  readonly registry: JobRegistry;
  readonly schedules: readonly Schedule[];
  readonly config: PipelineConfig;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}

type Handler = (params: string[], query: URLSearchParams, body: Record<string, unknown>) => Promise<unknown>;

/** A refusal the page shows as it is (a 4xx), as opposed to a crash. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'string' ? body : 'request refused');
  }
}

export function apiRoutes(deps: ApiDeps) {
  const { admin, registry } = deps;
  const history = throughputHistory(admin);
  const redrives = redriveTasks(admin);
  const classFilter = (query: URLSearchParams | Record<string, unknown>) => {
    const get = (key: string) => (query instanceof URLSearchParams ? query.get(key) : query[key]);
    const cls = get('class');
    const job = get('job');
    return { ...(typeof cls === 'string' && cls ? { class: cls } : {}), ...(typeof job === 'string' && job ? { job } : {}) };
  };
  const ids = (body: Record<string, unknown>) => {
    const value = body.ids;
    if (!Array.isArray(value) || value.length === 0 || !value.every((id) => typeof id === 'string')) {
      throw new ApiError(400, { error: 'ids must be a non-empty list of job ids' });
    }
    return value as string[];
  };

  const routes: [method: string, path: RegExp, handler: Handler][] = [
    ['GET', /^\/api\/meta$/, async (): Promise<DashboardMeta> => ({
      classes: Object.keys(deps.config.queues),
      jobs: registry.definitions.map((d) => ({ name: d.name, class: d.class })),
      statuses: [...jobStatuses],
      table: deps.config.tableName,
    })],
    ['GET', /^\/api\/health$/, () => admin.health()],
    ['GET', /^\/api\/overview$/, async (): Promise<Overview> => {
      const [stats, hour] = await Promise.all([admin.stats(), history()]);
      return { stats, levels: statsLevels(stats, registry.classes), history: hour };
    }],
    ['GET', /^\/api\/jobs$/, (_, query) => admin.list(listFilter(query))],
    ['GET', /^\/api\/jobs\/([^/]+)$/, async ([id]): Promise<JobDetail> => {
      const view = await admin.show(decodeURIComponent(id!));
      const payload = failedPayloadOf(view.job);
      return {
        ...view,
        ...(payload !== undefined ? { payload } : {}),
        maxReleases: registry.get(view.job.name)?.maxReleases ?? DEFAULT_MAX_RELEASES,
      };
    }],
    ['GET', /^\/api\/failed$/, (_, query) => {
      const { status: _status, ...filter } = listFilter(query);
      return admin.failed(filter);
    }],
    ['GET', /^\/api\/failed\/stats$/, (_, query) => admin.failureStats(classFilter(query))],
    ['POST', /^\/api\/retry$/, async (_, __, body) => {
      const targets = ids(body);
      if (body.payload === undefined) return admin.retry(targets);
      if (targets.length !== 1) throw new ApiError(400, { error: 'an edited payload goes with one job' });
      // Checked here too, to answer field by field; admin.retry checks the same schema again.
      const issues = await payloadIssues(admin, registry, targets[0]!, body.payload);
      if (issues.length > 0) throw new ApiError(422, { issues });
      return admin.retry(targets, { payload: body.payload });
    }],
    ['POST', /^\/api\/retry-all$/, (_, __, body) => admin.retryAll(classFilter(body))],
    ['POST', /^\/api\/forget$/, (_, __, body) => admin.forget(ids(body))],
    ['GET', /^\/api\/dlq$/, (_, query) => deadLetterQueues(admin.context, Math.min(50, Number(query.get('sample') ?? 10)))],
    ['POST', /^\/api\/redrive$/, async (_, __, body) => {
      const cls = typeof body.class === 'string' && body.class ? body.class : undefined;
      if (cls !== undefined && !deps.config.queues[cls]) throw new ApiError(400, { error: `no class "${cls}"` });
      return redrives.start(cls);
    }],
    ['GET', /^\/api\/redrive\/([^/]+)$/, async ([id]) => {
      const task = redrives.get(id!);
      if (!task) throw new ApiError(404, { error: 'no such redrive' });
      return task;
    }],
    ['GET', /^\/api\/schedules$/, async (_, query) => {
      const listing = listSchedules(deps.schedules, new Date(Math.floor(Date.now() / 1000) * 1000), Math.min(10, Number(query.get('count') ?? 3)));
      const ticks = await admin.lastTicks(deps.schedules);
      return listing.map((s) => ({ ...s, lastTick: ticks.get(s.name) ?? null }));
    }],
    ['POST', /^\/api\/schedules\/run$/, (_, __, body) =>
      runScheduleNow(admin.context.clients.sqs, deps.config, deps.schedules, String(body.name ?? ''))],
  ];

  return async function handle(method: string, url: URL, body: Record<string, unknown>): Promise<ApiResponse> {
    for (const [routeMethod, path, handler] of routes) {
      const match = path.exec(url.pathname);
      if (!match || routeMethod !== method) continue;
      try {
        return { status: 200, body: await handler(match.slice(1), url.searchParams, body) };
      } catch (error) {
        if (error instanceof ApiError) return { status: error.status, body: error.body };
        if (error instanceof JobNotFoundError) return { status: 404, body: { error: error.message } };
        if (error instanceof SqsJobsError || error instanceof URIError) return { status: 400, body: { error: error.message } };
        return { status: 500, body: { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) } };
      }
    }
    return { status: 404, body: { error: `no route ${method} ${url.pathname}` } };
  };
}

function listFilter(query: URLSearchParams) {
  const status = query.get('status');
  if (status && !jobStatuses.includes(status as JobStatus)) throw new InvalidOptionError(`unknown status "${status}"`);
  const since = query.get('since');
  const sinceDate = since ? new Date(since) : undefined;
  if (sinceDate && Number.isNaN(sinceDate.getTime())) throw new InvalidOptionError(`since must be a time; got "${since}"`);
  const pick = (key: string) => query.get(key) || undefined;
  const limit = Number(query.get('limit') ?? 25);
  return {
    ...(status ? { status: status as JobStatus } : {}),
    ...(pick('class') ? { class: pick('class') } : {}),
    ...(pick('job') ? { job: pick('job') } : {}),
    ...(sinceDate ? { since: sinceDate } : {}),
    ...(pick('cursor') ? { cursor: pick('cursor') } : {}),
    limit,
  };
}

/** The job's schema's complaints about a payload, by field path (none when it passes). */
async function payloadIssues(admin: Admin, registry: JobRegistry, id: string, payload: unknown): Promise<PayloadIssue[]> {
  const { job } = await admin.show(id);
  const definition = registry.get(job.name);
  if (!definition) throw new ApiError(400, { error: `job "${job.name}" is not registered here` });
  const parsed = definition.schema.safeParse(payload);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}
