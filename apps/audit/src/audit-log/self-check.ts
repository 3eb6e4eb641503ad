import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AuditLeaf, chainHash, CHAIN_GENESIS, Checkpoint, encodeLeaf, hashLeaf, MerkleAccumulator, MerkleNode, verifyCheckpoint,
} from '@kinlink/audit-log';
import { AuditIntegrity } from './audit-integrity';
import { AuditSigner } from './audit-signer';
import { Queryable, readHead } from './merkle-store';

export type SelfCheckProblem =
  /** a leaf row is missing (deleted) */
  | 'gap'
  /** a row holds another index's leaf (rows reordered or moved) */
  | 'order'
  /** a stored leaf is not a well-formed leaf any more */
  | 'leaf-invalid'
  /** a stored leaf does not hash to its stored leaf hash (edited) */
  | 'leaf-hash'
  /** the hash chain breaks (a leaf or chain hash was edited, or rows were reordered and re-hashed) */
  | 'chain'
  /** a stored subtree hash differs from the recomputed one, or is missing or extra */
  | 'node'
  /** the recomputed root differs from a checkpoint the log itself signed */
  | 'root-mismatch'
  /** the log (its own checkpoints included) disagrees with a checkpoint held outside it (a witness's): a rewritten, re-signed history */
  | 'fork'
  /** leaves covered by a checkpoint (or counted by the head) are missing at the end */
  | 'truncated'
  /** the head row disagrees with the leaves (size, chain tip, frontier) */
  | 'head'
  /** a stored checkpoint does not verify with the log's key, or a given one is unusable */
  | 'checkpoint';

export interface SelfCheckReport {
  ok: boolean;
  origin: string;
  /** leaves read and verified */
  leavesChecked: number;
  /** tree size according to the head row */
  headSize: number;
  /** recomputed root over the leaves that verified */
  rootHash: string;
  /** checkpoints (stored and given) compared with the recomputed tree */
  checkpointsChecked: number;
  latestCheckpoint?: { treeSize: number; rootHash: string };
  problem?: SelfCheckProblem;
  /** the first leaf index that does not verify (for root mismatches: the first not covered by a matching checkpoint) */
  firstBadIndex?: number;
  /** half-open range known to hold the first bad leaf */
  suspectRange?: [number, number];
  detail?: string;
  durationMs: number;
}

export interface SelfCheckOptions {
  /** run inside this transaction / connection (default: the service's data source) */
  db?: Queryable;
  /** checkpoints held outside the database (witnesses, agencies, an auditor): catch a re-signed rewrite */
  trustedCheckpoints?: readonly string[];
  /** also compare every stored subtree hash (default true) */
  checkNodes?: boolean;
  batchSize?: number;
}

interface Expected {
  size: number;
  root: Buffer;
  trusted: boolean;
}

class Bad extends Error {
  constructor(readonly problem: SelfCheckProblem, message: string, readonly index?: number, readonly range?: [number, number]) {
    super(message);
  }
}

/**
 * Recomputes the whole log from its tables — every leaf hash from the stored leaf, the hash
 * chain, every subtree hash and the root at every checkpoint size — and compares it with the
 * checkpoints the log signed (and any held outside it), naming the first bad index. Runs at boot
 * (in the background; a failure halts checkpoint signing) and on demand (`POST /self-check`).
 */
@Injectable()
export class AuditSelfCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('AuditSelfCheck');
  private readonly onBoot: boolean;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly signer: AuditSigner,
    private readonly integrity: AuditIntegrity,
    config: ConfigService,
  ) {
    this.onBoot = config.get<boolean>('AUDIT_SELF_CHECK_ON_BOOT') ?? true;
  }

  onApplicationBootstrap(): void {
    if (!this.onBoot) return;
    void this.run().then(
      (r) => {
        if (r.ok) this.logger.log(`self-check passed: ${r.leavesChecked} leaves, ${r.checkpointsChecked} checkpoints, root ${r.rootHash} (${r.durationMs} ms)`);
      },
      (e: Error) => this.logger.error(`self-check could not run: ${e.message}`),
    );
  }

  /** Runs the check; a failure (not a crash) also halts checkpoint signing. */
  async run(options: SelfCheckOptions = {}): Promise<SelfCheckReport> {
    // one consistent snapshot of head, leaves, nodes and checkpoints while appends go on
    const report = options.db
      ? await this.check(options)
      : await this.dataSource.transaction('REPEATABLE READ', async (m) => {
        await m.query('SET TRANSACTION READ ONLY');
        return this.check({ ...options, db: m });
      });
    if (!options.db) {
      this.integrity.lastSelfCheck = report;
      if (!report.ok) {
        this.integrity.halt(`self-check: ${report.problem} at leaf ${report.firstBadIndex ?? '?'}: ${report.detail}`);
      }
    }
    return report;
  }

  private async check(options: SelfCheckOptions): Promise<SelfCheckReport> {
    const started = Date.now();
    const db = options.db as Queryable;
    const batch = options.batchSize ?? 2000;
    const checkNodes = options.checkNodes ?? true;
    const acc = new MerkleAccumulator();
    const report: SelfCheckReport = {
      ok: false, origin: this.signer.origin, leavesChecked: 0, headSize: 0, rootHash: acc.root().toString('hex'), checkpointsChecked: 0, durationMs: 0,
    };
    const observed: Array<{ size: number; match: boolean; trusted: boolean }> = [];
    try {
      const head = await readHead(db);
      report.headSize = head.size;
      const expected = await this.expectations(db, options.trustedCheckpoints ?? []);
      const own = expected.filter((x) => !x.trusted);
      if (own.length) {
        const latest = own[own.length - 1];
        report.latestCheckpoint = { treeSize: latest.size, rootHash: latest.root.toString('hex') };
      }
      let next = 0;
      const observe = (): void => {
        while (next < expected.length && expected[next].size === acc.size) {
          const x = expected[next++];
          const match = acc.root().equals(x.root);
          observed.push({ size: x.size, match, trusted: x.trusted });
          report.checkpointsChecked++;
          if (!match) throw this.rootFailure(observed);
        }
      };
      let tip = CHAIN_GENESIS;
      let nodesSeen = 0;
      for (;;) {
        const rows: Array<{ seq: string; leaf: AuditLeaf; leaf_hash: string; chain_hash: string }> = await db.query(
          'SELECT seq, leaf, leaf_hash, chain_hash FROM audit.leaf WHERE seq >= $1 ORDER BY seq LIMIT $2', [acc.size, batch]);
        if (rows.length === 0) break;
        const from = acc.size;
        const created: MerkleNode[] = [];
        for (const r of rows) {
          const e = acc.size;
          if (Number(r.seq) !== e) throw new Bad('gap', `leaf ${e} is missing (the next stored leaf is ${r.seq})`, e);
          if (r.leaf?.seq !== e) throw new Bad('order', `row ${e} holds the leaf of index ${String(r.leaf?.seq)}`, e);
          let bytes: Buffer;
          try {
            bytes = encodeLeaf(r.leaf);
          } catch (err) {
            throw new Bad('leaf-invalid', `leaf ${e} is not a valid leaf: ${(err as Error).message}`, e);
          }
          const lh = hashLeaf(bytes);
          if (lh.toString('hex') !== r.leaf_hash) throw new Bad('leaf-hash', `leaf ${e} does not hash to its stored leaf hash`, e);
          tip = chainHash(tip, bytes);
          if (tip !== r.chain_hash) throw new Bad('chain', `the hash chain breaks at leaf ${e}`, e);
          created.push(...acc.append(lh));
          report.leavesChecked++;
          observe();
        }
        if (checkNodes) nodesSeen += await this.compareNodes(db, created, from, acc.size);
        if (rows.length < batch) break;
      }
      const n = acc.size;
      report.rootHash = acc.root().toString('hex');
      const beyond = expected.find((x) => x.size > n);
      if (beyond) throw new Bad('truncated', `a checkpoint covers ${beyond.size} leaves, the table ends after ${n}`, n, [n, beyond.size]);
      if (head.size > n) throw new Bad('truncated', `the head counts ${head.size} leaves, the table ends after ${n}`, n, [n, head.size]);
      if (head.size < n) throw new Bad('head', `the head counts ${head.size} leaves, the table has ${n}`, head.size);
      if (head.chainTip !== tip) throw new Bad('head', 'the head chain tip differs from the recomputed chain', n > 0 ? n - 1 : 0);
      const frontier = acc.toState().frontier;
      if (JSON.stringify(head.frontier) !== JSON.stringify(frontier)) throw new Bad('head', 'the head frontier differs from the recomputed tree', n > 0 ? n - 1 : 0);
      if (checkNodes) {
        const [{ count }]: Array<{ count: string }> = await db.query('SELECT count(*) AS count FROM audit.node');
        if (Number(count) !== nodesSeen) throw new Bad('node', `audit.node holds ${count} nodes, the tree of ${n} leaves has ${nodesSeen}`, n);
      }
      report.ok = true;
    } catch (e) {
      if (!(e instanceof Bad)) throw e;
      report.problem = e.problem;
      report.detail = e.message;
      report.firstBadIndex = e.index;
      report.suspectRange = e.range ?? (e.index !== undefined ? [e.index, e.index + 1] : undefined);
    } finally {
      report.durationMs = Date.now() - started;
    }
    return report;
  }

  /** A checkpoint disagrees with the recomputed root: where is the first bad leaf, and is it a fork? */
  private rootFailure(observed: ReadonlyArray<{ size: number; match: boolean; trusted: boolean }>): Bad {
    const bad = observed[observed.length - 1];
    const matched = observed.filter((o) => o.match && o.size < bad.size).map((o) => o.size);
    const lo = matched.length ? Math.max(...matched) : 0;
    // the log's own checkpoints all agree with the tables but a checkpoint held outside does not:
    // the history was rewritten and re-signed
    const fork = bad.trusted && observed.every((o) => o.match || o.trusted);
    return new Bad(fork ? 'fork' : 'root-mismatch',
      `${fork ? 'a checkpoint held outside the log' : 'a checkpoint the log signed'} at size ${bad.size} has another root than the stored leaves: `
      + `the first bad leaf is in [${lo}, ${bad.size})`, lo, [lo, bad.size]);
  }

  /** The log's own checkpoints and the trusted ones, verified, in size order. */
  private async expectations(db: Queryable, trusted: readonly string[]): Promise<Expected[]> {
    const rows: Array<{ tree_size: string; root_hash: string; note: string }> =
      await db.query('SELECT tree_size, root_hash, note FROM audit.checkpoint ORDER BY tree_size');
    const out: Expected[] = [];
    for (const r of rows) {
      let cp: Checkpoint;
      try {
        cp = verifyCheckpoint(r.note, this.signer.verifier);
      } catch (e) {
        throw new Bad('checkpoint', `stored checkpoint at size ${r.tree_size} does not verify: ${(e as Error).message}`);
      }
      if (cp.treeSize !== Number(r.tree_size) || cp.rootHash.toString('hex') !== r.root_hash || cp.origin !== this.signer.origin) {
        throw new Bad('checkpoint', `stored checkpoint row ${r.tree_size} disagrees with its signed note`);
      }
      out.push({ size: cp.treeSize, root: cp.rootHash, trusted: false });
    }
    for (const text of trusted) {
      let cp: Checkpoint;
      try {
        cp = verifyCheckpoint(text, this.signer.verifier);
      } catch (e) {
        throw new Bad('checkpoint', `a given checkpoint does not verify with this log's key: ${(e as Error).message}`);
      }
      if (cp.origin !== this.signer.origin) throw new Bad('checkpoint', `a given checkpoint is for log "${cp.origin}"`);
      out.push({ size: cp.treeSize, root: cp.rootHash, trusted: true });
    }
    // own first at equal sizes, so a fork is told apart from edited leaves
    return out.sort((a, b) => a.size - b.size || Number(a.trusted) - Number(b.trusted));
  }

  /** Compares the subtree hashes completed by leaves [from, to) with the stored ones; returns how many. */
  private async compareNodes(db: Queryable, created: readonly MerkleNode[], from: number, to: number): Promise<number> {
    if (created.length === 0) return 0;
    // node (level h, index i) is completed by leaf (i + 1) * 2^h - 1
    const levels: number[] = [];
    const los: string[] = [];
    const his: string[] = [];
    for (let h = 0; 2 ** h <= to; h++) {
      const lo = Math.ceil((from + 1) / 2 ** h) - 1;
      const hi = Math.floor(to / 2 ** h) - 1;
      if (hi >= lo && hi >= 0) {
        levels.push(h);
        los.push(String(Math.max(lo, 0)));
        his.push(String(hi));
      }
    }
    const rows: Array<{ level: number; idx: string; hash: Buffer }> = await db.query(
      `SELECT n.level, n.idx, n.hash FROM unnest($1::int[], $2::bigint[], $3::bigint[]) AS w(l, lo, hi)
         JOIN audit.node n ON n.level = w.l AND n.idx BETWEEN w.lo AND w.hi`, [levels, los, his]);
    const stored = new Map(rows.map((r) => [`${r.level}/${r.idx}`, r.hash]));
    for (const node of created) {
      const h = stored.get(`${node.level}/${node.index}`);
      const leaf = (node.index + 1) * 2 ** node.level - 1;
      if (!h) throw new Bad('node', `subtree ${node.level}/${node.index} is missing from audit.node`, leaf);
      if (!h.equals(node.hash)) throw new Bad('node', `subtree ${node.level}/${node.index} differs from the recomputed hash`, leaf);
    }
    if (rows.length !== created.length) throw new Bad('node', `audit.node has ${rows.length} nodes for leaves [${from}, ${to}), expected ${created.length}`, from);
    return created.length;
  }
}
