import { defineConfig } from 'wxt';

// Origins of the local demo EHR and PMP server (see server/ports.ts).
const DEMO_EHR = ['http://127.0.0.1:47811/*', 'http://localhost:47811/*'];
const LOCAL_PMP = ['http://127.0.0.1:47810/*', 'http://localhost:47810/*'];

export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  manifest: () => ({
    name: 'PMP Check',
    description:
      'Mandated Prescription Monitoring Program reviews inside your web EHR: notices controlled-substance orders, shows PMP history, records the review.',
    permissions: ['storage', 'sidePanel', 'tabs'],
    // The demo EHR and the local PMP server are ours and on loopback; every other EHR origin and
    // PMP endpoint is granted by the practice admin at run time.
    host_permissions: [...DEMO_EHR, ...LOCAL_PMP],
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    side_panel: { default_path: 'sidepanel.html' },
    action: { default_title: 'PMP Check' },
  }),
});
