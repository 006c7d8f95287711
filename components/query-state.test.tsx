import { useQuery } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { QueryState } from '@/components/query-state';
import { render, until } from '@/test/react';

function Items({ read }: { read: () => Promise<string[]> }) {
  const query = useQuery({ queryKey: ['items'], queryFn: read });
  return (
    <QueryState query={query} noun="items" empty={<p data-testid="no-items">No items.</p>}>
      {(data) => (
        <ul>
          {data.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
    </QueryState>
  );
}

describe('QueryState', () => {
  it('shows Loading… as a status while the query is pending', async () => {
    const { container } = await render(<Items read={() => new Promise<string[]>(() => undefined)} />);
    expect(container.querySelector('[role="status"]')?.textContent).toBe('Loading…');
    expect(container.querySelector('ul')).toBeNull();
  });

  it('shows the error as an alert naming the noun', async () => {
    const { container } = await render(<Items read={() => Promise.reject(new Error('disk full'))} />);
    await until(() => {
      expect(container.querySelector('[role="alert"]')?.textContent).toBe('Could not read the items: disk full');
    });
    expect(container.querySelector('[role="status"]')).toBeNull();
  });

  it('shows the empty element for an empty list', async () => {
    const { container } = await render(<Items read={() => Promise.resolve([])} />);
    await until(() => {
      expect(container.querySelector('[data-testid="no-items"]')?.textContent).toBe('No items.');
    });
    expect(container.querySelector('ul')).toBeNull();
  });

  it('renders children with the data otherwise', async () => {
    const { container } = await render(<Items read={() => Promise.resolve(['a', 'b'])} />);
    await until(() => {
      expect([...container.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['a', 'b']);
    });
    expect(container.querySelector('[data-testid="no-items"]')).toBeNull();
    expect(container.querySelector('[role="alert"]')).toBeNull();
  });
});
