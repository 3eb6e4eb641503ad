/**
 * Offline verifier for audit exports.
 *
 *   npm run audit:verify -- <export.jsonl> --public-key <file-or-text> [--checkpoint <saved.cp>]...
 *                           [--key-name <name>] [--save-checkpoint <file>] [--json]
 *
 * Exit status: 0 verified; 1 verification failed (tampering, fork, or the question cannot be
 * answered with this export), naming the first bad leaf index when there is one; 2 usage or I/O error.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { encodeVerifierKey, parseVerifierKey, VerifierKey } from '../keys';
import { ExportVerification, verifyExport } from '../export';

export const USAGE = `usage: npm run audit:verify -- <export.jsonl> --public-key <key-file-or-text> [options]

  --public-key <k>       the log's verifier key: "<name>+<id>+<base64>" text, a file holding it,
                         or an SPKI PEM file (then --key-name is needed, or the export's key name is used)
  --key-name <name>      key name for a PEM key
  --checkpoint <file>    a checkpoint you saved earlier (repeatable): the export must be consistent with it
  --save-checkpoint <f>  on success, write the export's verified checkpoint to <f> (use it next time)
  --json                 print the full result as JSON
`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

interface Args {
  file?: string;
  publicKey?: string;
  keyName?: string;
  checkpoints: string[];
  save?: string;
  json: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { checkpoints: [], json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--public-key') a.publicKey = value();
    else if (arg === '--key-name') a.keyName = value();
    else if (arg === '--checkpoint') a.checkpoints.push(value());
    else if (arg === '--save-checkpoint') a.save = value();
    else if (arg === '--json') a.json = true;
    else if (arg === '-h' || arg === '--help') throw new UsageError('');
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else if (a.file === undefined) a.file = arg;
    else throw new UsageError(`unexpected argument ${arg}`);
  }
  if (a.file === undefined) throw new UsageError('missing export file');
  if (a.publicKey === undefined) throw new UsageError('missing --public-key (the log key you trust, obtained out of band)');
  return a;
}

function readKey(spec: string): string {
  if (/^-----BEGIN/.test(spec.trim()) || (spec.includes('+') && !existsSync(spec))) return spec;
  try {
    return readFileSync(spec, 'utf8');
  } catch {
    throw new UsageError(`cannot read public key file ${spec}`);
  }
}

function describe(r: ExportVerification, key: VerifierKey | undefined, io: CliIo): void {
  if (r.ok) {
    io.out('audit export: VERIFIED');
    io.out(`  log:            ${r.origin}`);
    if (key) io.out(`  signed by:      ${encodeVerifierKey(key)}`);
    io.out(`  leaves:         [${r.from}, ${r.treeSize}) — ${r.leavesChecked} replayed and checked`);
    io.out(`  tree size:      ${r.treeSize}`);
    io.out(`  root hash:      ${r.rootHash}`);
    io.out(`  checkpoints:    ${r.checkpointsChecked} signed checkpoint(s) matched the replayed tree`);
    io.out(
      r.consistentWith.length
        ? `  consistent with your saved checkpoint(s) at size ${r.consistentWith.join(', ')}`
        : '  no saved checkpoint given: pass --checkpoint to detect a forked (rewritten) log',
    );
    return;
  }
  io.out(`audit export: FAILED (${r.kind})`);
  io.out(`  ${r.error}`);
  if (r.firstBadLeafIndex !== undefined) {
    const exact = r.suspectRange && r.suspectRange[1] - r.suspectRange[0] === 1;
    io.out(exact
      ? `  first bad leaf index: ${r.firstBadLeafIndex}`
      : `  first bad leaf index: ${r.firstBadLeafIndex} (first leaf not covered by a matching signed checkpoint; the change lies in [${r.suspectRange?.[0]}, ${r.suspectRange?.[1]}))`);
  }
  if (r.treeSize !== undefined) io.out(`  (signed checkpoint: ${r.origin}, size ${r.treeSize}, root ${r.rootHash})`);
}

/** Runs the verifier; returns the exit status. */
export function main(argv: readonly string[], io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) }): number {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) io.err(`error: ${e.message}`);
      io.err(USAGE);
      return 2;
    }
    throw e;
  }
  let data: Buffer;
  let keyText: string;
  const saved: string[] = [];
  let key: VerifierKey | undefined;
  try {
    data = readFileSync(args.file as string);
    keyText = readKey(args.publicKey as string);
    for (const f of args.checkpoints) saved.push(readFileSync(f, 'utf8'));
  } catch (e) {
    io.err(`error: ${(e as Error).message}`);
    return 2;
  }
  try {
    key = parseVerifierKey(keyText, args.keyName);
  } catch {
    key = undefined; // a PEM without --key-name: the export's key name is used
  }
  const result = verifyExport(data, {
    publicKey: key ?? keyText,
    keyName: key ? undefined : args.keyName,
    earlierCheckpoint: saved,
  });
  if (args.json) io.out(JSON.stringify(result, null, 2));
  else describe(result, key, io);
  if (result.ok && args.save && result.checkpoint) {
    try {
      writeFileSync(args.save, result.checkpoint);
      if (!args.json) io.out(`  saved checkpoint (size ${result.treeSize}) to ${args.save}`);
    } catch (e) {
      io.err(`error: cannot save checkpoint: ${(e as Error).message}`);
      return 2;
    }
  }
  return result.ok ? 0 : 1;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
