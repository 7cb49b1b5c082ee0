/** Schedules: the app's catalog with each entry's next fire times and last tick; "run now" sends one tick. */
import { useState } from 'preact/hooks';
import type { ScheduleListing, TickRunResult } from '../../api-types.ts';
import { get, post } from '../api.ts';
import { ErrorLine, Pending } from '../components/action-results.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { hashFor, time } from '../format.ts';
import { usePoll } from '../hooks.ts';

export function SchedulesPage() {
  const { data, error } = usePoll(() => get<ScheduleListing[]>('/api/schedules', { count: '3' }), 30_000, []);
  const [runs, setRuns] = useState<Record<string, TickRunResult | string>>({});
  if (!data) return <Pending error={error} />;
  const run = (name: string) => async () => {
    try {
      const sent = await post<TickRunResult>('/api/schedules/run', { name });
      setRuns((r) => ({ ...r, [name]: sent }));
    } catch (e) {
      setRuns((r) => ({ ...r, [name]: e instanceof Error ? e.message : String(e) }));
    }
  };
  return (
    <section>
      <h1>Schedules</h1>
      <p class="muted">Next fire times in UTC; rate schedules are counted from now here, on AWS from when the schedule was created.</p>
      <table data-testid="schedules">
        <thead>
          <tr><th>name</th><th>expression</th><th>job</th><th>class</th><th>overlap</th><th>next</th><th>last tick</th><th /></tr>
        </thead>
        <tbody>
          {data.length === 0 && <tr><td colSpan={8}>(no schedules in the app's config)</td></tr>}
          {data.map((s) => {
            const outcome = runs[s.name];
            return (
              <tr key={s.name}>
                <td><strong>{s.name}</strong><br /><small class="muted">{s.description ?? ''}</small></td>
                <td><code>{s.expression}</code><br /><small>{s.timezone}</small></td>
                <td>{s.job}</td>
                <td>{s.class}</td>
                <td>{s.overlap}</td>
                <td>{s.error ? <span class="critical">{s.error}</span> : !s.enabled ? 'disabled' : s.next.map((t) => <div key={t}>{time(t)}</div>)}</td>
                <td data-testid={`last-tick-${s.name}`}>
                  {s.lastTick ? (
                    <>
                      <a href={hashFor(`jobs/${s.lastTick.jobId}`)}>{time(s.lastTick.enqueuedAt)}</a>{' '}
                      <span class={s.lastTick.status === 'failed' ? 'critical' : s.lastTick.status === 'completed' ? 'ok' : ''}>{s.lastTick.status}</span>
                      {s.lastTick.lastError && <div><small class="muted">{s.lastTick.lastError}</small></div>}
                    </>
                  ) : (
                    <span class="muted">none yet</span>
                  )}
                </td>
                <td>
                  <ConfirmButton label="Run now" question={`Send one ${s.name} tick now?`} onConfirm={run(s.name)} />
                  {typeof outcome === 'string' && <ErrorLine error={outcome} />}
                  {outcome && typeof outcome !== 'string' && (
                    <p class="ok">sent: <a href={hashFor(`jobs/${outcome.jobId}`)}>{outcome.jobId}</a></p>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
