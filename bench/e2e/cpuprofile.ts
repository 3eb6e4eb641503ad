/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof` or the benchmark's SIGUSR2 profiler):
 * top functions by self time, by inclusive time, and self time by package / library.
 *
 *   node -r @swc-node/register bench/e2e/cpuprofile.ts <file.cpuprofile> [--top 25]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; hitCount?: number; children?: number[] }
export interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

export interface FunctionTime { name: string; where: string; package: string; ms: number; pct: number }
export interface ProfileSummary {
  durationMs: number;
  sampledMs: number;
  /** share of the window the process was busy (not idle) */
  busyPct: number;
  topSelf: FunctionTime[];
  topInclusive: FunctionTime[];
  /** inclusive time of Kinlink's own functions (apps/, libs/): which of our code paths the time is spent under */
  topInclusiveOwn: FunctionTime[];
  byPackage: Array<{ package: string; ms: number; pct: number }>;
}

/** Where a frame's code lives: a node_modules package, a Kinlink lib or app, Node internals, or V8. */
export function packageOf(frame: CallFrame): string {
  const url = frame.url;
  if (!url) {
    const n = frame.functionName;
    if (n === '(garbage collector)' || n === '(idle)' || n === '(program)' || n === '(root)') return n;
    return '(native)';
  }
  if (url.startsWith('node:')) return 'node (internals)';
  const nm = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(url);
  if (nm) return nm[1].replace(/\\/g, '/');
  const lib = /[\\/](libs|apps)[\\/]([^\\/]+)[\\/]/.exec(url);
  if (lib) return `${lib[1]}/${lib[2]}`;
  return path.basename(url);
}

function where(frame: CallFrame): string {
  if (!frame.url) return '';
  const url = frame.url.replace(/^file:\/\//, '');
  const short = url.includes('node_modules') ? url.slice(url.lastIndexOf('node_modules') + 13) : url.replace(/^.*?[\\/](dist[\\/])?(?=(libs|apps)[\\/])/, '');
  return `${short}:${frame.lineNumber + 1}`;
}

export function summariseProfile(profile: CpuProfile, top = 20): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'}\u0000${where(n.callFrame)}`;

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const pkg = new Map<string, number>();
  const frameOfKey = new Map<string, CallFrame>();
  let sampled = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000; // µs → ms, attributed to sample i
    const node = byId.get(profile.samples[i]);
    if (!node || dt <= 0) continue;
    sampled += dt;
    if (node.callFrame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    const k = keyOf(node);
    frameOfKey.set(k, node.callFrame);
    self.set(k, (self.get(k) ?? 0) + dt);
    const p = packageOf(node.callFrame);
    pkg.set(p, (pkg.get(p) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      if (n.callFrame.functionName === '(root)') break;
      const kk = keyOf(n);
      if (seen.has(kk)) continue;
      seen.add(kk);
      frameOfKey.set(kk, n.callFrame);
      inclusive.set(kk, (inclusive.get(kk) ?? 0) + dt);
    }
  }
  const busy = sampled - idle;
  const rows = (m: Map<string, number>, filter: (k: string) => boolean = () => true) =>
    [...m].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, ms]) => {
      const [name, w] = k.split('\u0000');
      return { name, where: w, package: packageOf(frameOfKey.get(k)!), ms: round(ms), pct: round((100 * ms) / Math.max(busy, 1e-9)) };
    });
  return {
    durationMs: round((profile.endTime - profile.startTime) / 1000),
    sampledMs: round(sampled),
    busyPct: round((100 * busy) / Math.max(sampled, 1e-9)),
    topSelf: rows(self),
    topInclusive: rows(inclusive).filter((r) => !['(program)', '(garbage collector)'].includes(r.name)),
    topInclusiveOwn: rows(inclusive, (k) => /^(apps|libs)\//.test(packageOf(frameOfKey.get(k)!))),
    byPackage: [...pkg].sort((a, b) => b[1] - a[1]).map(([p, ms]) => ({ package: p, ms: round(ms), pct: round((100 * ms) / Math.max(busy, 1e-9)) })),
  };
}

const round = (x: number) => Math.round(x * 10) / 10;

export function formatSummary(name: string, s: ProfileSummary, top = 12): string {
  const lines = [`${name}: ${s.durationMs} ms profiled, busy ${s.busyPct}% (percentages below are of busy time)`];
  lines.push('  by package: ' + s.byPackage.slice(0, 10).map((p) => `${p.package} ${p.pct}%`).join(', '));
  lines.push('  top self time:');
  for (const f of s.topSelf.slice(0, top)) lines.push(`    ${String(f.pct).padStart(5)}%  ${f.name}  ${f.where}`);
  return lines.join('\n');
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node -r @swc-node/register bench/e2e/cpuprofile.ts <file.cpuprofile> [--top N]');
    process.exit(2);
  }
  const topArg = process.argv.indexOf('--top');
  const top = topArg > 0 ? Number(process.argv[topArg + 1]) : 25;
  const summary = summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top);
  console.log(formatSummary(path.basename(file), summary, top));
  console.log('  top inclusive time:');
  for (const f of summary.topInclusive.slice(0, top)) console.log(`    ${String(f.pct).padStart(5)}%  ${f.name}  ${f.where}`);
}
