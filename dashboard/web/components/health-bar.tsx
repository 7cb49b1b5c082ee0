/** Health as `sqs-jobs health` computes it, in the header of every page (refreshed every 10 s). */
import { useState } from 'preact/hooks';
import type { HealthReport } from '../../api-types.ts';
import { get } from '../api.ts';
import { usePoll } from '../hooks.ts';

export function HealthBar() {
  const { data, error } = usePoll(() => get<HealthReport>('/api/health'), 10_000, []);
  const [open, setOpen] = useState(false);
  const status = error ? 'unreachable' : (data?.status ?? 'checking');
  return (
    <div class="health">
      <button class={`pill ${status}`} data-testid="health" onClick={() => setOpen(!open)} title="health of the queues and the table">
        {status}
      </button>
      {open && data && (
        <table class="health-detail">
          <tbody>
            {data.checks.map((c) => (
              <tr key={c.component} class={c.ok ? '' : 'critical'}>
                <td>{c.component}</td>
                <td>{c.ok ? 'ok' : 'DOWN'}</td>
                <td>{c.latencyMs} ms</td>
                <td>{c.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
