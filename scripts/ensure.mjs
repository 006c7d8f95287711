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

let aptUpdated = false;

/** A Debian package's binary, installed with apt when missing (needs root, as on CI and the dev machines). */
function ensureDebian(path, pkg) {
  if (existsSync(path)) return path;
  const sudo = process.getuid && process.getuid() === 0 ? '' : 'sudo ';
  if (!aptUpdated) run(`${sudo}apt-get update -qq`);
  aptUpdated = true;
  run(`${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkg}`);
  if (!existsSync(path)) throw new Error(`${pkg} is still missing at ${path}`);
  return path;
}

/** Debian's Chromium (the browser the extension is tested and demonstrated in). */
export function ensureChromium() {
  return ensureDebian(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', 'chromium');
}

/** Debian's Firefox ESR (the Firefox smoke test). */
export function ensureFirefox() {
  return ensureDebian(process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', 'firefox-esr');
}
