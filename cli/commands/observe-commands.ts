/** `stats`, `monitor`, `health`: how the pipeline is doing. */
import type { Command } from 'commander';
import type { HealthReport } from '../../shared/admin/health-check.ts';
import type { PipelineStats } from '../../shared/admin/pipeline-stats.ts';
import { oldestMessageAgeThresholdSeconds } from '../../shared/alarm-thresholds.ts';
import { jobStatuses } from '../../shared/lifecycle.ts';
import { pipelineSettings } from '../../shared/pipeline-settings.ts';
import type { PriorityClassCatalog } from '../../shared/priority-classes.ts';
import { deadLetterLevel, failureRateLevel, queueDepthLevel, type Level } from '../../shared/threshold-levels.ts';
import type { CommandContext } from '../command-context.ts';
import { parseCount, printJson, table } from '../output.ts';

const HEALTH_EXIT = { healthy: 0, degraded: 1, unhealthy: 2 } as const;

export function registerObserveCommands(program: Command, cli: CommandContext): void {
  program
    .command('stats')
    .description('queue depths, jobs by status, throughput, failure rate, durations')
    .action(async (_: unknown, command: Command) => {
      const { admin } = await cli.connect(command);
      const stats = await admin.stats();
      if (cli.json(command)) return printJson(stats);
      console.log(renderStats(stats, (await cli.app(command)).registry.classes, false));
    });

  program
    .command('monitor')
    .description('stats, refreshed live; values past the alarm thresholds highlighted')
    .option('--interval <seconds>', 'refresh period', '2')
    .option('--once', 'print one refresh and exit')
    .action(async (options: { interval: string; once?: boolean }, command: Command) => {
      const { admin } = await cli.connect(command);
      const { classes } = (await cli.app(command)).registry;
      const interval = Math.max(1, parseCount(options.interval, '--interval')) * 1000;
      const color = process.stdout.isTTY === true;
      for (;;) {
        const stats = await admin.stats();
        if (color && !options.once) process.stdout.write('\x1b[2J\x1b[H');
        console.log(renderStats(stats, classes, color));
        if (options.once) return;
        await new Promise((resolve) => setTimeout(resolve, interval));
      }
    });

  program
    .command('health')
    .description('are the queues and the table reachable, and how fast (exit 0 healthy, 1 degraded, 2 unhealthy)')
    .option('--slow <ms>', 'latency above which the pipeline counts as degraded', '1000')
    .action(async (options: { slow: string }, command: Command) => {
      const report = await (await cli.connect(command)).admin.health({ slowMs: parseCount(options.slow, '--slow') });
      if (cli.json(command)) printJson(report);
      else console.log(renderHealth(report));
      process.exitCode = HEALTH_EXIT[report.status];
    });
}


function paint(text: string, level: Level, color: boolean): string {
  if (level === 'ok') return text;
  const marked = level === 'critical' ? `${text}!!` : `${text}!`;
  if (!color) return marked;
  return level === 'critical' ? `\x1b[1;31m${marked}\x1b[0m` : `\x1b[33m${marked}\x1b[0m`;
}

/** Stats as tables; with thresholds from the same settings the CloudWatch alarms use. */
export function renderStats(stats: PipelineStats, catalog: PriorityClassCatalog, color: boolean): string {
  const { thresholds } = pipelineSettings;
  const classes = table(
    stats.classes.map((c) => {
      const cls = Object.hasOwn(catalog, c.class) ? catalog[c.class] : undefined;
      const ageLimit = cls ? oldestMessageAgeThresholdSeconds(cls) : thresholds.oldestMessageAgeSeconds;
      const age = c.oldestQueuedSeconds;
      return {
        class: c.class,
        visible: paint(String(c.visible), queueDepthLevel(c.visible), color),
        'in flight': c.inFlight,
        delayed: c.delayed,
        dlq: paint(String(c.dlqDepth), deadLetterLevel(c.dlqDepth), color),
        'oldest queued': age === null ? '-' : paint(`${age}s`, age > ageLimit ? 'warning' : 'ok', color),
        state: c.paused ? paint(`paused since ${c.paused.at} by ${c.paused.by}`, 'warning', color) : 'running',
      };
    }),
    ['class', 'visible', 'in flight', 'delayed', 'dlq', 'oldest queued', 'state'],
  );
  const statuses = jobStatuses.filter((s) => stats.jobsByStatus[s] !== undefined).map((s) => `${s} ${stats.jobsByStatus[s]}`).join('  ');
  const finished = stats.throughput.lastHour;
  const rate = stats.failureRate;
  const rateLevel = failureRateLevel(rate, finished);
  const durations = table(
    stats.durations.map((d) => ({ job: d.job, count: d.count, 'p50 ms': d.p50, 'p95 ms': d.p95, 'p99 ms': d.p99 })),
    ['job', 'count', 'p50 ms', 'p95 ms', 'p99 ms'],
  );
  return [
    `sqs-jobs stats at ${stats.at}`,
    '',
    classes,
    '',
    `jobs by status (final ones: last 24 h): ${statuses}`,
    `completed: ${stats.throughput.lastMinute} in 1 min, ${stats.throughput.last5Minutes} in 5 min, ${stats.throughput.lastHour} in 60 min`,
    `failure rate (60 min): ${rate === null ? '-' : paint(`${(rate * 100).toFixed(1)}%`, rateLevel, color)}`,
    '',
    'durations of jobs completed in the last hour:',
    durations,
  ].join('\n');
}

function renderHealth(report: HealthReport): string {
  return [
    report.status,
    table(
      report.checks.map((c) => ({ component: c.component, ok: c.ok ? 'yes' : 'NO', 'latency ms': c.latencyMs, error: c.error })),
      ['component', 'ok', 'latency ms', 'error'],
    ),
    ...report.paused.map((p) => `paused: ${p.className} (since ${p.pausedAt} by ${p.pausedBy})`),
  ].join('\n');
}
