import { queryOptions } from '@tanstack/react-query';
import { loadSettings } from './settings';

export const settingsKeys = { all: ['settings'] as const };

/** The extension settings; invalidated by whoever saves them. */
export function settingsQueryOptions() {
  return queryOptions({ queryKey: settingsKeys.all, queryFn: loadSettings, staleTime: Infinity });
}
