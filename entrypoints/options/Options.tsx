import { useQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { AttestationLog } from '@/components/attestation-log';
import { DelegatesForm } from '@/components/delegates-form';
import { IdentityForm } from '@/components/identity-form';
import { PmpSettings } from '@/components/pmp-settings';
import { ResetSettings } from '@/components/reset-settings';
import { ReviewsToDo } from '@/components/reviews-to-do';
import { SitesSettings } from '@/components/sites-settings';
import { StateRules } from '@/components/state-rules';
import { settingsQueryOptions } from '@/lib/storage/settings-query';

export function Options() {
  const settings = useQuery(settingsQueryOptions());
  // Forms keep what is being typed in their own state; after a reset they start again from the defaults.
  const [generation, setGeneration] = useState(0);
  if (settings.isPending) return <main className="options"><p role="status">Loading…</p></main>;
  if (settings.isError) return <main className="options"><p role="alert">Could not load settings: {settings.error.message}</p></main>;
  return (
    <main className="options">
      <h1>PMP Check</h1>
      <Fragment key={generation}>
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
      </Fragment>
      <ResetSettings settings={settings.data} onReset={() => { setGeneration((g) => g + 1); }} />
    </main>
  );
}
