/** Command-line pieces the end-to-end benchmarks share (each script keeps its own options). */
import { readFileSync } from 'node:fs';

/** An option's numeric value (≥ 0), or an error naming the option. */
export function numberArg(value: string | undefined, option: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${option} needs a number`);
  return n;
}

/** `--help`: the script's header comment, which is its usage, then exit. */
export function printUsage(file: string): never {
  console.log(readFileSync(file, 'utf8').split('*/')[0]);
  process.exit(0);
}

export function unknownOption(option: string): never {
  throw new Error(`unknown option ${option} (see --help)`);
}
