import {
  AuditLeaf, buildExport, encodeVerifierKey, exportHeaderLine, exportLeafLine, ExportVerification, generateSigningKey, leafHash, MemoryMerkleStore,
  signCheckpoint, verifierKeyToPem, verifyExport,
} from './index';
import { mulberry, sampleLeaf } from './testing/fixtures';

const ORIGIN = 'kinlink.test/audit';
const KEY = generateSigningKey(ORIGIN);
const VKEY = encodeVerifierKey(KEY);
/** the log checkpoints every INTERVAL leaves (the service: every 1,000 leaves or 5 minutes) */
const INTERVAL = 16;
/** trials per tamper class; AUDIT_TAMPER_TRIALS=1000 reproduces the F10 figure (1,000 per class) */
const TRIALS = Number(process.env.AUDIT_TAMPER_TRIALS) || 300;

/** A log in memory: leaves, stored nodes and signed checkpoints (cached per size). */
class TestLog {
  readonly leaves: AuditLeaf[] = [];
  readonly store = new MemoryMerkleStore();
  private readonly cps = new Map<number, string>();

  /** leaves from `forkAt` on differ (a rewritten history), signed with the same key */
  constructor(n: number, forkAt = Infinity, variant = 'fork', base?: TestLog) {
    for (let i = 0; i < n; i++) {
      const shared = i < forkAt && base !== undefined && i < base.leaves.length;
      const leaf = shared ? base.leaves[i] : i < forkAt ? sampleLeaf(i) : sampleLeaf(i, variant);
      this.leaves.push(leaf);
      this.store.append(shared ? base.store.leafHash(i) : leafHash(leaf));
    }
  }

  checkpoint(size: number): string {
    let cp = this.cps.get(size);
    if (!cp) {
      cp = signCheckpoint({ origin: ORIGIN, treeSize: size, rootHash: this.store.root(size), timestamp: new Date(Date.UTC(2025, 0, 1) + size * 1000) }, KEY);
      this.cps.set(size, cp);
    }
    return cp;
  }

  /** the checkpoints an agency/witness would hold up to `size`: every INTERVAL leaves, plus `size` itself */
  witnessed(size: number): string[] {
    const out: string[] = [];
    for (let s = INTERVAL; s < size; s += INTERVAL) out.push(this.checkpoint(s));
    out.push(this.checkpoint(size));
    return out;
  }

  export(from: number, to: number, consistencyFrom: number[] = []): string {
    const checkpoints: string[] = [];
    for (let s = Math.ceil(from / INTERVAL) * INTERVAL; s < to; s += INTERVAL) checkpoints.push(this.checkpoint(s));
    return buildExport({
      checkpoint: this.checkpoint(to),
      from,
      prefix: this.store.frontier(from),
      leaves: this.leaves.slice(from, to),
      checkpoints,
      consistency: consistencyFrom.map((m) => ({ fromSize: m, proof: this.store.consistencyProof(m, to) })),
    });
  }
}

const GENUINE = new TestLog(200);

/** Line boundaries of an export: [start, endIncludingNewline) per line, with its leaf index if a leaf line. */
function lineSpans(buf: Buffer): Array<{ start: number; end: number; leaf?: number }> {
  const spans: Array<{ start: number; end: number; leaf?: number }> = [];
  let start = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    const text = buf.subarray(start, nl).toString();
    const m = /^\{"h":"[0-9a-f]{64}","i":(\d+),/.exec(text);
    spans.push({ start, end: nl + 1, leaf: m ? Number(m[1]) : undefined });
    start = nl + 1;
  }
  return spans;
}

type Scenario = { from: number; to: number; text: string; buf: Buffer };
const rnd = mulberry(20250301);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo)); // [lo, hi)

// A pool of exports of different shapes (from 0, from the middle, short and long ranges).
const POOL: Scenario[] = [];
for (let i = 0; i < 40; i++) {
  const to = int(2, 131);
  const from = i % 3 === 0 ? int(0, to - 1) : 0;
  const text = GENUINE.export(from, to);
  POOL.push({ from, to, text, buf: Buffer.from(text) });
}

const verify = (input: string | Buffer, earlier?: string[]): ExportVerification =>
  verifyExport(input, { publicKey: VKEY, earlierCheckpoint: earlier });

interface Tally { trials: number; detected: number; exact: number; falseAlarms: number }
const tallies: Record<string, Tally> = {};
function tally(kind: string): Tally {
  return (tallies[kind] ??= { trials: 0, detected: 0, exact: 0, falseAlarms: 0 });
}

afterAll(() => {
  const parts = Object.entries(tallies).map(([k, t]) =>
    k === 'untouched' ? `untouched ${t.trials} (false alarms ${t.falseAlarms})` : `${k} ${t.detected}/${t.trials} detected, ${t.exact} right index`);
  console.log(`export tamper trials: ${parts.join('; ')}`);
});

describe('export: untouched exports verify', () => {
  it(`${TRIALS} untouched exports (random ranges, trusted checkpoints, consistency proofs): 0 false alarms`, () => {
    const t = tally('untouched');
    for (let i = 0; i < TRIALS; i++) {
      const s = pick(POOL);
      let earlier: string[] | undefined;
      let input: string | Buffer = i % 2 ? s.text : s.buf;
      if (i % 4 === 1) earlier = GENUINE.witnessed(s.to).filter((c) => Number(c.split('\n')[1]) >= s.from);
      if (i % 4 === 3 && s.from > 1) {
        const m = int(1, s.from);
        input = GENUINE.export(s.from, s.to, [m]);
        earlier = [GENUINE.checkpoint(m)];
      }
      const r = verify(input, earlier);
      t.trials++;
      if (!r.ok) {
        t.falseAlarms++;
        throw new Error(`false alarm: ${JSON.stringify(r)}`);
      }
      expect(r.treeSize).toBe(s.to);
      expect(r.leavesChecked).toBe(s.to - s.from);
    }
    expect(t.falseAlarms).toBe(0);
  });

  it('reports the signed size and root and the checkpoints it confirmed', () => {
    const r = verify(GENUINE.export(0, 100), [GENUINE.checkpoint(32), GENUINE.checkpoint(100)]);
    expect(r).toMatchObject({ ok: true, origin: ORIGIN, treeSize: 100, from: 0, leavesChecked: 100, consistentWith: [32, 100] });
    expect(r.rootHash).toBe(GENUINE.store.root(100).toString('hex'));
    expect(r.checkpointsChecked).toBe(7 /* log's own: 0, 16..96 */ + 2 /* trusted */ + 1 /* final */);
    // an empty range and an empty log verify too
    expect(verify(GENUINE.export(100, 100)).ok).toBe(true);
    expect(verify(GENUINE.export(0, 0)).ok).toBe(true);
    // PEM key (name from options or from the header)
    expect(verifyExport(GENUINE.export(0, 10), { publicKey: verifierKeyToPem(KEY), keyName: ORIGIN }).ok).toBe(true);
    expect(verifyExport(GENUINE.export(0, 10), { publicKey: verifierKeyToPem(KEY) }).ok).toBe(true);
    // lines as an array
    const lines = GENUINE.export(5, 40).split('\n').slice(0, -1);
    expect(verifyExport(lines, { publicKey: KEY }).ok).toBe(true);
  });
});

describe('export: tampering is detected and localised', () => {
  const leafSpans = (s: Scenario) => lineSpans(s.buf).filter((l) => l.leaf !== undefined);
  const check = (kind: string, r: ExportVerification, expected: number | undefined, ctx: unknown): void => {
    const t = tally(kind);
    t.trials++;
    if (!r.ok) t.detected++;
    if (!r.ok && r.firstBadLeafIndex === expected) t.exact++;
    if (r.ok || r.firstBadLeafIndex !== expected) throw new Error(`${kind}: expected first bad ${expected}, got ${JSON.stringify(r)} ${JSON.stringify(ctx)}`);
  };

  it(`flip a byte in a leaf line (${TRIALS} trials): exact index`, () => {
    for (let i = 0; i < TRIALS; i++) {
      const s = pick(POOL.filter((p) => p.to > p.from));
      const line = pick(leafSpans(s));
      const pos = int(line.start, line.end); // includes the line's newline
      const b = Buffer.from(s.buf);
      b[pos] ^= int(1, 256);
      check('flip', verify(b), line.leaf, { pos, from: s.from, to: s.to });
    }
  });

  it(`delete a leaf line (${TRIALS} trials): exact index`, () => {
    for (let i = 0; i < TRIALS; i++) {
      const s = pick(POOL.filter((p) => p.to > p.from));
      const line = pick(leafSpans(s));
      const b = Buffer.concat([s.buf.subarray(0, line.start), s.buf.subarray(line.end)]);
      check('delete', verify(b), line.leaf, { line });
    }
  });

  it(`reorder two leaf lines (${TRIALS} trials): exact index of the first moved`, () => {
    for (let i = 0; i < TRIALS; i++) {
      const s = pick(POOL.filter((p) => p.to - p.from >= 2));
      const spans = leafSpans(s);
      const a = int(0, spans.length - 1);
      const c = int(a + 1, spans.length);
      const [x, y] = [spans[a], spans[c]];
      const b = Buffer.concat([
        s.buf.subarray(0, x.start), s.buf.subarray(y.start, y.end), s.buf.subarray(x.end, y.start),
        s.buf.subarray(x.start, x.end), s.buf.subarray(y.end),
      ]);
      check('reorder', verify(b), x.leaf, { a, c });
    }
  });

  it(`truncate the tail (${TRIALS} trials): index of the first leaf not fully present`, () => {
    for (let i = 0; i < TRIALS; i++) {
      const s = pick(POOL.filter((p) => p.to > p.from));
      const spans = leafSpans(s);
      const cut = int(spans[0].start, s.buf.length); // keeps the header, loses at least the final newline
      const complete = spans.filter((l) => l.end <= cut).length;
      const r = verify(s.buf.subarray(0, cut));
      check('truncate', r, s.from + complete, { cut });
      expect(r.kind).toBe('truncated');
    }
  });

  it(`edit a leaf and recompute its line hash without the key (${TRIALS} trials): bounded by the log's own checkpoints`, () => {
    for (let i = 0; i < TRIALS; i++) {
      const s = pick(POOL.filter((p) => p.to > p.from));
      const k = int(s.from, s.to);
      const lines = s.text.split('\n');
      const idx = lines.findIndex((l) => l.startsWith(`{"h":"`) && l.includes(`","i":${k},"leaf"`));
      const forged = { ...sampleLeaf(k), toState: 'closed' };
      lines[idx] = buildExport({ checkpoint: GENUINE.checkpoint(k + 1), from: k, prefix: GENUINE.store.frontier(k), leaves: [forged] }).split('\n')[1];
      const r = verify(lines.join('\n'));
      const lo = Math.max(s.from, Math.floor(k / INTERVAL) * INTERVAL);
      const hi = Math.min(s.to, lo + INTERVAL - (lo % INTERVAL === 0 ? 0 : lo % INTERVAL));
      check('rehash', r, lo, { k });
      expect(r.kind).toBe('root-mismatch');
      expect(r.suspectRange).toEqual([lo, Math.min(s.to, (Math.floor(k / INTERVAL) + 1) * INTERVAL)]);
      expect(hi).toBeGreaterThan(k);
    }
  });

  it(`fork: same size, different root, signed by the log key (${TRIALS} trials)`, () => {
    for (let i = 0; i < TRIALS; i++) {
      const n = int(2, 131);
      const k = int(0, n);
      const fork = new TestLog(n, k, `v${i}`, GENUINE);
      const from = i % 2 ? int(0, n) : 0;
      const genuine = GENUINE.witnessed(n);
      const below = genuine.map((c) => Number(c.split('\n')[1])).filter((m) => m < from);
      const exp = fork.export(from, n, below);
      if (i % 5 === 0) {
        // the auditor holds only the genuine checkpoint of the same size: detected, localised to [0, n)
        const r = verify(exp, [GENUINE.checkpoint(n)]);
        tally('fork (one saved checkpoint)').trials++;
        if (!r.ok && r.kind === 'fork') tally('fork (one saved checkpoint)').detected++;
        expect(r).toMatchObject({ ok: false, kind: 'fork', suspectRange: [0, n], firstBadLeafIndex: 0 });
        tally('fork (one saved checkpoint)').exact++;
        continue;
      }
      // the auditor holds the checkpoints witnessed every INTERVAL leaves: localised to that block
      const r = verify(exp, genuine);
      const lo = Math.floor(k / INTERVAL) * INTERVAL;
      check('fork', r, lo, { n, k, from });
      expect(r.kind).toBe('fork');
      expect(r.suspectRange).toEqual([lo, Math.min(n, lo + INTERVAL)]);
      // without any saved checkpoint a fork is indistinguishable from the real log (that is what witnesses are for)
      if (i % 50 === 1) expect(verify(exp).ok).toBe(true);
    }
  });

  it('a database edit of a leaf entry (stored leaf hash kept) shows at exactly its index', () => {
    // what the audit service does: write the leaf hash it stored at append time on each line
    for (const k of [0, 7, 16, 63, 99]) {
      const lines = [
        exportHeaderLine({ checkpoint: GENUINE.checkpoint(100) }),
        ...GENUINE.leaves.slice(0, 100).map((l, i) =>
          exportLeafLine(i === k ? { ...l, actor: { id: 'someone-else' } } : l, GENUINE.store.leafHash(i))),
      ];
      const r = verify(`${lines.join('\n')}\n`);
      expect(r).toMatchObject({ ok: false, kind: 'leaf-hash', firstBadLeafIndex: k });
    }
  });

  it('header tampering (flip any header byte, 300 trials) is detected', () => {
    let detected = 0;
    for (let i = 0; i < 300; i++) {
      const s = pick(POOL);
      const end = s.buf.indexOf(0x0a);
      const b = Buffer.from(s.buf);
      b[int(0, end)] ^= int(1, 256);
      const r = verify(b);
      expect(r.ok).toBe(false);
      detected++;
    }
    const t = tally('header flip');
    t.trials += 300;
    t.detected += detected;
    t.exact += detected;
  });

  it('other damage: inserted/duplicated line, extra leaves, checkpoint-line edits, wrong key, unusable saved checkpoints', () => {
    const text = GENUINE.export(0, 50);
    const lines = text.split('\n');
    // duplicate leaf 10's line
    const dup = [...lines];
    const i10 = dup.findIndex((l) => l.includes('"i":10,'));
    dup.splice(i10 + 1, 0, dup[i10]);
    expect(verify(dup.join('\n'))).toMatchObject({ ok: false, kind: 'sequence', firstBadLeafIndex: 11 });
    // an extra leaf after the signed size
    const extra = `${text}${buildExport({ checkpoint: GENUINE.checkpoint(51), from: 50, prefix: GENUINE.store.frontier(50), leaves: [GENUINE.leaves[50]] }).split('\n')[1]}\n`;
    expect(verify(extra)).toMatchObject({ ok: false, kind: 'extra', firstBadLeafIndex: 50 });
    // a checkpoint line edited (its signature no longer verifies): reported where it sits
    const cpLine = lines.findIndex((l) => l.startsWith('{"checkpoint"') && l.includes('\\n16\\n'));
    const badCp = [...lines];
    badCp[cpLine] = badCp[cpLine].replace('\\n16\\n', '\\n17\\n');
    expect(verify(badCp.join('\n'))).toMatchObject({ ok: false, kind: 'line', firstBadLeafIndex: 16 });
    // a checkpoint line removed: still verifies (it only helps localise), the signed root covers everything
    expect(verify(lines.filter((_, j) => j !== cpLine).join('\n')).ok).toBe(true);
    // blank line in the middle
    const blank = [...lines];
    blank.splice(5, 0, '');
    expect(verify(blank.join('\n'))).toMatchObject({ ok: false, kind: 'line', firstBadLeafIndex: 3 }); // lines: header, cp 0, leaves 0, 1, 2, [blank], 3
    // wrong key, or a log key with the same name but other material
    expect(verifyExport(text, { publicKey: encodeVerifierKey(generateSigningKey(ORIGIN)) })).toMatchObject({ ok: false, kind: 'header' });
    expect(verifyExport(text, { publicKey: encodeVerifierKey(generateSigningKey('other.example/log')) })).toMatchObject({ ok: false, kind: 'header' });
    // saved checkpoint newer than the export, of another log, or below the range without a proof
    expect(verify(text, [GENUINE.checkpoint(60)])).toMatchObject({ ok: false, kind: 'unverifiable' });
    const otherKey = generateSigningKey('other.example/log');
    const foreign = signCheckpoint({ origin: 'other.example/log', treeSize: 10, rootHash: GENUINE.store.root(10) }, otherKey);
    expect(verify(text, [foreign])).toMatchObject({ ok: false, kind: 'unverifiable' });
    expect(verify(GENUINE.export(20, 50), [GENUINE.checkpoint(10)])).toMatchObject({ ok: false, kind: 'unverifiable' });
    expect(verify(GENUINE.export(20, 50, [10]), [GENUINE.checkpoint(10)])).toMatchObject({ ok: true, consistentWith: [10] });
    expect(verify(GENUINE.export(20, 50), [GENUINE.checkpoint(0)])).toMatchObject({ ok: true, consistentWith: [0] });
    // a consistency proof that does not verify (history before the range rewritten) -> fork below the range
    const fork = new TestLog(50, 5, 'early');
    expect(verify(fork.export(20, 50, [10]), [GENUINE.checkpoint(10)])).toMatchObject({ ok: false, kind: 'fork', suspectRange: [0, 10] });
    // a bad prefix (no key): the root does not match
    const pre = GENUINE.export(20, 50).split('\n');
    pre[0] = pre[0].replace(/"prefix":\["([0-9a-f])/, (_m, c: string) => `"prefix":["${c === '0' ? '1' : '0'}`);
    expect(verify(pre.join('\n'))).toMatchObject({ ok: false, kind: 'root-mismatch', firstBadLeafIndex: 20 });
    // not an export at all
    expect(verify('')).toMatchObject({ ok: false, kind: 'header' });
    expect(verify('hello\n')).toMatchObject({ ok: false, kind: 'header' });
  });
});
