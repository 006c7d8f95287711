// Installs what the project needs on a fresh machine: npm packages and Debian's Chromium.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function run(cmd) {
  console.log(`$ ${cmd}`);
  execSync(cmd, { stdio: 'inherit' });
}

/** npm ci when node_modules is missing or older than the lockfile. */
export function ensureNodeModules() {
  if (existsSync('node_modules/.package-lock.json') && existsSync('node_modules/wxt')) return;
  run('npm ci --no-audit --no-fund');
}

/** Debian's Chromium, installed with apt when missing (needs root, as on CI and the dev machines). */
export function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return path;
  const sudo = process.getuid && process.getuid() === 0 ? '' : 'sudo ';
  run(`${sudo}apt-get update -qq`);
  run(`${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium`);
  if (!existsSync(path)) throw new Error(`Chromium is still missing at ${path}`);
  return path;
}
