/**
 * CPU time and memory of processes from /proc (Linux): what each service, the broker, the
 * database backends and the benchmark itself cost during a measured pass.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: /proc reports CPU time in clock ticks; 100 on every Linux we run on (getconf CLK_TCK). */
export const CLOCK_TICKS = 100;

export interface ProcSample {
  /** user + system CPU seconds since the process started */
  cpuSeconds: number;
  rssMiB: number;
  /** peak resident set since the process started (VmHWM) */
  peakRssMiB: number;
}

export function readProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ..." — comm may contain spaces; fields after ')' start at index 3 (state)
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { cpuSeconds: (utime + stime) / CLOCK_TICKS, rssMiB: kb('VmRSS') / 1024, peakRssMiB: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** PIDs whose command line contains every one of `needles` (e.g. the PostgreSQL background processes). */
export function findPids(needles: string[]): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (needles.every((n) => cmd.includes(n))) out.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Sum of CPU seconds of a set of processes (processes that vanished count 0). */
export function cpuOf(pids: number[]): number {
  return pids.reduce((a, pid) => a + (readProc(pid)?.cpuSeconds ?? 0), 0);
}

/** Machine-wide CPU time (all cores, seconds) from /proc/stat: busy and total. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / CLOCK_TICKS, total: (busy + idle + iowait) / CLOCK_TICKS };
}
