/** A button that asks first: the first click shows "Confirm / Cancel", only Confirm acts. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

export function ConfirmButton(props: {
  label: string;
  question: string;
  onConfirm: () => Promise<void> | void;
  disabled?: boolean;
  danger?: boolean;
  children?: ComponentChildren;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (busy) return <button disabled>Working…</button>;
  if (!asking) {
    return (
      <button class={props.danger ? 'danger' : ''} disabled={props.disabled} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  }
  const act = async () => {
    setBusy(true);
    try {
      await props.onConfirm();
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return (
    <span class="confirm" role="alertdialog">
      <span>{props.question}</span>
      <button class={props.danger ? 'danger' : 'primary'} onClick={act}>
        Confirm
      </button>
      <button onClick={() => setAsking(false)}>Cancel</button>
    </span>
  );
}
