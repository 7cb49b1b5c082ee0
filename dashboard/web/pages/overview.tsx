/** Overview: per class depths and age, throughput, failure rate, durations, and the last hour charted. */
import type { Level, Overview } from '../../api-types.ts';
import { get } from '../api.ts';
import { ErrorLine, Pending } from '../components/action-results.tsx';
import { Chart } from '../components/chart.tsx';
import { percent, seconds, time } from '../format.ts';
import { usePoll } from '../hooks.ts';

/** Marked as `monitor` marks them: `!` past the warning threshold, `!!` past the critical one. */
function Marked({ value, level }: { value: string | number; level: Level }) {
  if (level === 'ok') return <>{value}</>;
  return (
    <span class={level} title={`${level}: past the alarm threshold`}>
      {value}
      {level === 'critical' ? '!!' : '!'}
    </span>
  );
}

export function OverviewPage() {
  const { data, error } = usePoll(() => get<Overview>('/api/overview'), 5000, []);
  if (!data) return <Pending error={error} />;
  const { stats, levels, history } = data;
  return (
    <section>
      <h1>Overview</h1>
      <ErrorLine error={error} />
      <p class="muted">as of {time(stats.at)}; refreshes every 5 s</p>
      <table data-testid="classes">
        <thead>
          <tr>
            <th>class</th>
            <th>visible</th>
            <th>in flight</th>
            <th>delayed</th>
            <th>DLQ</th>
            <th>oldest queued</th>
            <th>state</th>
          </tr>
        </thead>
        <tbody>
          {stats.classes.map((c) => {
            const level = levels.classes[c.class]!;
            return (
              <tr key={c.class}>
                <td>{c.class}</td>
                <td><Marked value={c.visible} level={level.visible} /></td>
                <td>{c.inFlight}</td>
                <td>{c.delayed}</td>
                <td><a href="#/dlq"><Marked value={c.dlqDepth} level={level.dlq} /></a></td>
                <td title={`highlighted past ${level.oldestLimitSeconds}s`}>
                  <Marked value={seconds(c.oldestQueuedSeconds)} level={level.oldestQueued} />
                </td>
                <td data-testid={`state-${c.class}`} title={c.paused ? `paused by ${c.paused.by}` : undefined}>
                  {c.paused ? <Marked value={`paused since ${time(c.paused.at)}`} level="warning" /> : 'running'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div class="cards">
        <div class="card">
          <h3>Completed</h3>
          <p>
            {stats.throughput.lastMinute} / 1 min · {stats.throughput.last5Minutes} / 5 min · {stats.throughput.lastHour} / 60 min
          </p>
        </div>
        <div class="card">
          <h3>Failure rate (60 min)</h3>
          <p data-testid="failure-rate"><Marked value={percent(stats.failureRate)} level={levels.failureRate} /></p>
        </div>
        <div class="card">
          <h3>Jobs by status</h3>
          <p>
            {Object.entries(stats.jobsByStatus).map(([status, n]) => (
              <a key={status} class="status-count" href={`#/jobs?status=${status}`}>
                <span class={`status ${status}`}>{status}</span> {n}
              </a>
            ))}
          </p>
          <p class="muted">final statuses: last 24 h</p>
        </div>
      </div>
      <div class="charts">
        <Chart title="Completed per minute (last hour)" times={history.minutes} series={[{ label: 'completed', color: '#2f855a', values: history.completed }]} />
        <Chart title="Failed per minute (last hour)" times={history.minutes} series={[{ label: 'failed', color: '#c53030', values: history.failed }]} />
      </div>
      <h2>Durations of jobs completed in the last hour</h2>
      <table>
        <thead>
          <tr><th>job</th><th>count</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th></tr>
        </thead>
        <tbody>
          {stats.durations.length === 0 && <tr><td colSpan={5}>(none)</td></tr>}
          {stats.durations.map((d) => (
            <tr key={d.job}><td>{d.job}</td><td>{d.count}</td><td>{d.p50}</td><td>{d.p95}</td><td>{d.p99}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
