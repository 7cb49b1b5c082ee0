/**
 * Retry with an edited payload. The server checks it against the job's schema before anything
 * is sent; what the schema rejects comes back field by field and nothing is retried.
 */
import { useState } from 'preact/hooks';
import type { JobActionResult, PayloadIssue } from '../../api-types.ts';
import { ApiError, post } from '../api.ts';
import { ActionResults, ErrorLine } from './action-results.tsx';
import { ConfirmButton } from './confirm-button.tsx';

export function PayloadEditor({ id, payload, onDone }: { id: string; payload: unknown; onDone: () => void }) {
  const [text, setText] = useState(JSON.stringify(payload ?? {}, null, 2));
  const [issues, setIssues] = useState<PayloadIssue[]>([]);
  const [error, setError] = useState<string>();
  const [results, setResults] = useState<JobActionResult[]>();

  const submit = async () => {
    setIssues([]);
    setError(undefined);
    setResults(undefined);
    let edited: unknown;
    try {
      edited = JSON.parse(text);
    } catch (e) {
      setError(`not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    try {
      setResults(await post<JobActionResult[]>('/api/retry', { ids: [id], payload: edited }));
      onDone();
    } catch (e) {
      if (e instanceof ApiError && e.body.issues) setIssues(e.body.issues);
      else setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div class="payload-editor">
      <h3>Retry with an edited payload</h3>
      <textarea
        name="payload"
        aria-label="payload"
        rows={Math.min(20, text.split('\n').length + 2)}
        spellcheck={false}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      {issues.length > 0 && (
        <ul class="field-errors" data-testid="field-errors">
          {issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              <code class="field">{issue.path || '(payload)'}</code> {issue.message}
            </li>
          ))}
        </ul>
      )}
      <ErrorLine error={error} />
      <p>
        <ConfirmButton label="Validate and retry" question="Retry this job with the edited payload?" onConfirm={submit} />
      </p>
      <ActionResults verb="retried" results={results} />
    </div>
  );
}
