import { startEhrServer } from './demo-ehr/server';
import { startPmpServer } from './pmp/server';
import { EHR_PORT, HOST, PMP_PORT } from './ports';

/** Starts the local PMP server and the demo EHR on their fixed loopback ports. */
export async function startDemoServers(options: { pmpPort?: number; ehrPort?: number } = {}) {
  const pmp = await startPmpServer({ host: HOST, port: options.pmpPort ?? PMP_PORT });
  const ehr = await startEhrServer({ host: HOST, port: options.ehrPort ?? EHR_PORT });
  return {
    pmp,
    ehr,
    close: async () => {
      await Promise.all([pmp.close(), ehr.close()]);
    },
  };
}

const isMain = process.argv[1]?.endsWith('server/main.ts') ?? false;
if (isMain) {
  startDemoServers().then(
    (s) => {
      console.log(`PMP server: ${s.pmp.url}  (token: demo-token)`);
      console.log(`Demo EHR:   ${s.ehr.url}`);
      const stop = () => {
        void s.close().then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (e: unknown) => {
      console.error(`Could not start the servers: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
