/** Dead-letter queues: depth per class, a sample of messages with their reasons, redrive with progress. */
import { useEffect, useState } from 'preact/hooks';
import type { DeadLetterQueue, RedriveTask } from '../../api-types.ts';
import { get, post } from '../api.ts';
import { ErrorLine, Pending } from '../components/action-results.tsx';
import { ConfirmButton } from '../components/confirm-button.tsx';
import { hashFor, time, truncate } from '../format.ts';
import { usePoll } from '../hooks.ts';

function RedriveProgress({ task, onDone }: { task: RedriveTask; onDone: () => void }) {
  const [current, setCurrent] = useState(task);
  useEffect(() => {
    if (current.done) return onDone();
    const timer = setTimeout(() => get<RedriveTask>(`/api/redrive/${current.id}`).then(setCurrent, () => undefined), 500);
    return () => clearTimeout(timer);
  }, [current]);
  const entries = Object.entries(current.progress);
  return (
    <div class="results" data-testid="redrive-progress">
      {entries.length === 0 && !current.done && <p>Starting…</p>}
      {entries.map(([cls, p]) => (
        <p key={cls}>
          {cls}: {p.moved}
          {p.total !== undefined ? ` of ${p.total}` : ''} moved{' '}
          {p.total ? <progress max={p.total} value={p.moved} /> : null}
        </p>
      ))}
      {current.results?.map((r) => (
        <p key={r.class} class="ok">
          Redrive done: {r.class}: {r.moved} message(s) moved ({r.method})
        </p>
      ))}
      <ErrorLine error={current.error && `redrive failed: ${current.error}`} />
    </div>
  );
}

export function DeadLettersPage() {
  const { data, error, reload } = usePoll(() => get<DeadLetterQueue[]>('/api/dlq'), 10_000, []);
  const [tasks, setTasks] = useState<Record<string, RedriveTask>>({});
  const [failure, setFailure] = useState<string>();
  if (!data) return <Pending error={error} />;
  const redrive = (cls: string) => async () => {
    try {
      const task = await post<RedriveTask>('/api/redrive', { class: cls });
      setTasks({ ...tasks, [cls]: task });
    } catch (e) {
      setFailure(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section>
      <h1>Dead-letter queues</h1>
      <p class="muted">
        Redrive moves a class's DLQ messages back to its queue: a failed job's copy runs again with fresh attempts, a copy
        older than the job's generation is dropped, a poison message fails again.
      </p>
      <ErrorLine error={failure ?? error} />
      {data.map((q) => (
        <div class="card dlq" key={q.class} data-class={q.class}>
          <h2>
            {q.class} <span class={q.depth > 0 ? 'critical' : ''} data-testid={`dlq-depth-${q.class}`}>{q.depth}</span>{' '}
            <small>message(s)</small>
          </h2>
          {q.depth > 0 && !(tasks[q.class] && !tasks[q.class]!.done) && (
            <ConfirmButton label="Redrive" question={`Move ${q.depth} message(s) back to the ${q.class} queue?`} onConfirm={redrive(q.class)} />
          )}
          {tasks[q.class] && <RedriveProgress task={tasks[q.class]!} onDone={reload} />}
          {q.sample.length > 0 && (
            <table>
              <thead><tr><th>job</th><th>name</th><th>reason</th><th>failed</th><th>attributes</th></tr></thead>
              <tbody>
                {q.sample.map((m) => (
                  <tr key={m.messageId}>
                    <td>{m.jobId ? <a href={hashFor(`jobs/${m.jobId}`)}>{m.jobId}</a> : '(no envelope)'}</td>
                    <td>{m.jobName ?? '-'}</td>
                    <td class="reason">{m.reason ?? '-'}</td>
                    <td>{time(m.failedAt ?? m.sentAt)}</td>
                    <td>
                      <details>
                        <summary>{Object.keys(m.attributes).length} attribute(s), body</summary>
                        <pre>{Object.entries(m.attributes).map(([k, v]) => `${k}: ${v}`).join('\n')}</pre>
                        <pre>{truncate(m.body, 2000)}</pre>
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </section>
  );
}
