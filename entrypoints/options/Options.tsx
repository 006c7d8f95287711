import { useQuery } from '@tanstack/react-query';
import { AttestationLog } from '@/components/attestation-log';
import { DelegatesForm } from '@/components/delegates-form';
import { IdentityForm } from '@/components/identity-form';
import { PmpSettings } from '@/components/pmp-settings';
import { ReviewsToDo } from '@/components/reviews-to-do';
import { SitesSettings } from '@/components/sites-settings';
import { StateRules } from '@/components/state-rules';
import { settingsQueryOptions } from '@/lib/storage/settings-query';

export function Options() {
  const settings = useQuery(settingsQueryOptions());
  if (settings.isPending) return <main className="options"><p role="status">Loading…</p></main>;
  if (settings.isError) return <main className="options"><p role="alert">Could not load settings: {settings.error.message}</p></main>;
  return (
    <main className="options">
      <h1>PMP Check</h1>
      <section aria-labelledby="who">
        <h2 id="who">Who is reviewing</h2>
        <IdentityForm current={settings.data.identity} />
      </section>
      <DelegatesForm settings={settings.data} />
      <StateRules settings={settings.data} />
      <PmpSettings settings={settings.data} />
      <SitesSettings />
      <ReviewsToDo settings={settings.data} />
      <AttestationLog settings={settings.data} />
    </main>
  );
}
