import { describePmpError, normalizeError } from '@/lib/pmp/errors';

/** The one error state for PMP failures: what happened in plain words, and what to do. */
export function ErrorPanel({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const e = normalizeError(error);
  const { title, body, retryable } = describePmpError(e);
  return (
    <div className={e.kind === 'no-match' ? 'error no-match' : 'error'} role="alert" data-error-kind={e.kind}>
      <p className="error-title">{title}</p>
      <p>{body}</p>
      {retryable && onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
