import { startDemoServers } from '../../server/main';

let servers: Awaited<ReturnType<typeof startDemoServers>> | undefined;

/** The real local servers for every end-to-end test: the PMP server and the demo EHR. */
export async function setup(): Promise<void> {
  try {
    servers = await startDemoServers();
  } catch (e) {
    throw new Error(
      `Could not start the local servers on ports 47810/47811 (is "npm run demo" still running?): ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

export async function teardown(): Promise<void> {
  await servers?.close();
}
