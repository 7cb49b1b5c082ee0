/** What an action did, job by job: the admin function's detail, or why it did nothing. */
import type { JobActionResult } from '../../api-types.ts';
import { hashFor } from '../format.ts';

export function ActionResults({ verb, results }: { verb: string; results: readonly JobActionResult[] | undefined }) {
  if (!results) return null;
  const done = results.filter((r) => r.ok).length;
  return (
    <div class="results" data-testid="action-results">
      <strong>
        {done} {verb}, {results.length - done} not
      </strong>
      <table>
        <tbody>
          {results.map((r) => (
            <tr key={r.id} class={r.ok ? 'ok' : 'not-ok'}>
              <td>
                <a href={hashFor(`jobs/${r.id}`)}>{r.id}</a>
              </td>
              <td>{r.ok ? `${verb}: ${r.detail}` : `not ${verb}: ${r.error}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ErrorLine({ error }: { error: string | undefined }) {
  return error ? <p class="error" role="alert">{error}</p> : null;
}

/** Before the first answer: the error if the request failed, else "Loading…". */
export function Pending({ error }: { error: string | undefined }) {
  return error ? <ErrorLine error={error} /> : <p class="muted">Loading…</p>;
}
