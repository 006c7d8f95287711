import { defineConfig } from 'wxt';

// Origins of the local demo EHR and PMP server (see server/ports.ts).
const DEMO_EHR = ['http://127.0.0.1:47811/*', 'http://localhost:47811/*'];
const LOCAL_PMP = ['http://127.0.0.1:47810/*', 'http://localhost:47810/*'];
// `wxt build --mode e2e` (scripts/e2e.mjs, scripts/test-all.mjs) only: the fixture origin that
// stands for an EHR the admin grants at run time (the e-prescribing frame's origin). Declared
// so the runtime grant resolves without the permission prompt automation cannot answer; the
// content script is still registered for it at run time, only once it is added as a site.
const E2E_GRANTED_EHR = ['http://127.0.0.2:47811/*'];
// `--mode e2e` only: the PMP addresses Test connection must name the failure of (a name that never
// resolves, and a self-signed HTTPS server on a free loopback port, hence no port here): webRequest
// reports errors only for origins the extension holds.
const E2E_BROKEN_PMP = ['https://pmp.invalid/*', 'https://127.0.0.1/*'];
export const FIREFOX_ID = 'pmp-check@synthetic.invalid';

/** Firefox match patterns cannot name a port (Mozilla bug 1362809): drop it there. */
export function withoutPort(pattern: string): string {
  return pattern.replace(/^(\w+:\/\/[^/:]+):\d+\//, '$1/');
}

export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  hooks: {
    'build:manifestGenerated': (wxt, manifest) => {
      if (wxt.config.browser !== 'firefox') return;
      const strip = (list?: string[]) => (list ? [...new Set(list.map(withoutPort))] : list);
      manifest.permissions = strip(manifest.permissions);
      manifest.host_permissions = strip(manifest.host_permissions as string[] | undefined);
      for (const cs of manifest.content_scripts ?? []) cs.matches = strip(cs.matches) ?? [];
      // Don't push the sidebar at people on install; the prompt's button opens the review.
      const sidebar = (manifest as { sidebar_action?: { open_at_install?: boolean } }).sidebar_action;
      if (sidebar) sidebar.open_at_install = false;
    },
  },
  manifest: ({ browser, mode }) => ({
    name: 'PMP Check',
    description:
      'Mandated Prescription Monitoring Program reviews inside your web EHR: notices controlled-substance orders, shows PMP history, records the review.',
    // Firefox has a sidebar instead of Chrome's side panel (WXT maps the entry to sidebar_action).
    // scripting: the content script is registered at run time for the EHR origins the admin grants.
    // webRequest (observe only, no blocking; no install warning of its own): Test connection names
    // why a PMP address failed (DNS, refused, TLS certificate), which fetch() does not say.
    permissions: browser === 'firefox' ? ['storage', 'tabs', 'scripting', 'webRequest'] : ['storage', 'sidePanel', 'tabs', 'scripting', 'webRequest'],
    // The demo EHR and the local PMP server are ours and on loopback; every other EHR origin and
    // PMP endpoint is granted by the practice admin at run time.
    host_permissions: [...DEMO_EHR, ...LOCAL_PMP, ...(mode === 'e2e' ? [...E2E_GRANTED_EHR, ...E2E_BROKEN_PMP] : [])],
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    side_panel: { default_path: 'sidepanel.html' },
    action: { default_title: 'PMP Check' },
    ...(browser === 'firefox'
      ? {
          // A fixed id: Firefox needs one for storage, and the e2e test pins the extension's UUID by it.
          browser_specific_settings: {
            gecko: {
              id: FIREFOX_ID,
              strict_min_version: '140.0',
              // Patient demographics go to the PMP the practice configures.
              data_collection_permissions: { required: ['healthInfo', 'personallyIdentifyingInfo'] },
            },
          },
          optional_permissions: ['https://*/*', 'http://*/*'],
        }
      : {}),
  }),
});
