// Dependency audit of the production dependencies (`npm audit --omit=dev`), run by `npm test`.
// High or critical advisories fail the run. When the advisory service cannot be reached (an offline
// or mirrored registry answers 405/ENOTFOUND), the audit is reported as skipped, not passed;
// KINLINK_REQUIRE_AUDIT=1 turns that into a failure (for CI runners with registry access).
import { spawnSync } from 'node:child_process';
import { ROOT } from './repo.mjs';

const FAILING = ['high', 'critical'];

/** @returns {{ status: 'passed' | 'failed' | 'skipped', summary: string }} */
export function auditDependencies({ require = process.env.KINLINK_REQUIRE_AUDIT === '1' } = {}) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['audit', '--omit=dev', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  let report;
  try {
    report = JSON.parse(run.stdout || '{}');
  } catch {
    report = {};
  }
  const counts = report.metadata?.vulnerabilities;
  if (!counts) {
    const why = report.statusCode ? `advisory service answered ${report.statusCode}` : (report.message ?? run.error?.message ?? 'no report');
    return { status: require ? 'failed' : 'skipped', summary: `dependency audit unavailable (${why})` };
  }
  const found = FAILING.filter((level) => (counts[level] ?? 0) > 0).map((level) => `${counts[level]} ${level}`);
  const all = Object.entries(counts).filter(([k, v]) => k !== 'total' && v > 0).map(([k, v]) => `${v} ${k}`).join(', ') || 'none';
  return found.length
    ? { status: 'failed', summary: `dependency audit: ${found.join(', ')} advisories in production dependencies (all: ${all}); run \`npm audit --omit=dev\`` }
    : { status: 'passed', summary: `dependency audit: no high or critical advisories in production dependencies (all: ${all})` };
}
