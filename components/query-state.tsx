import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';

/**
 * The usual scaffold over a list query: "Loading…" while pending, the error (as "Could not read
 * the <noun>: …") when it failed, `empty` when the list is empty, otherwise `children(data)`.
 */
export function QueryState<T>({
  query,
  noun,
  empty,
  children,
}: {
  query: UseQueryResult<readonly T[]>;
  noun: string;
  empty: ReactNode;
  children: (data: readonly T[]) => ReactNode;
}): ReactNode {
  if (query.isPending) return <p role="status">Loading…</p>;
  if (query.isError) {
    return (
      <p role="alert">
        Could not read the {noun}: {query.error.message}
      </p>
    );
  }
  return query.data.length === 0 ? empty : children(query.data);
}
