import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { fetchRoot, MerkleAccumulator } from '@kinlink/audit-log';
import { KinlinkEvent, newEvent, systemActor } from '@kinlink/contracts';
import { UnitOfWork } from '@kinlink/kafka';
import { AuditClock } from './audit-clock';
import { AuditIntegrity } from './audit-integrity';
import { AuditSigner } from './audit-signer';
import { lockHead, PgMerkleStore, Queryable } from './merkle-store';

/**
 * Signs checkpoints: when an append brings the size to a multiple of AUDIT_CHECKPOINT_EVERY (in
 * that append's transaction), and every AUDIT_CHECKPOINT_SECONDS when the tree grew since the
 * last one. Each checkpoint is stored in `audit.checkpoint` and published as `audit.checkpoint`
 * on `audit-checkpoints` through the outbox, in the same transaction, under the head lock.
 */
@Injectable()
export class Checkpointer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Checkpointer');
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private running?: Promise<unknown>;

  constructor(
    private readonly signer: AuditSigner,
    private readonly uow: UnitOfWork,
    @InjectDataSource() private readonly db: DataSource,
    private readonly integrity: AuditIntegrity,
    private readonly clock: AuditClock,
  ) {}

  /** Whether an append that made the tree `size` leaves must cut a checkpoint. */
  dueAt(size: number): boolean {
    return size > 0 && size % this.signer.checkpointEvery === 0;
  }

  /**
   * Signs a checkpoint at `treeSize` with `root`; the caller holds the head lock in `m`'s
   * transaction. Returns the event to publish, or nothing when a checkpoint at this size exists
   * or signing is halted. Before signing, checks the previous checkpoint's root against the
   * stored tree (so the new one is consistent with it).
   */
  async cutLocked(m: Queryable, treeSize: number, root: Buffer): Promise<KinlinkEvent | undefined> {
    if (treeSize === 0) return undefined;
    const [last]: Array<{ tree_size: string; root_hash: string }> =
      await m.query('SELECT tree_size, root_hash FROM audit.checkpoint ORDER BY tree_size DESC LIMIT 1');
    if (last && Number(last.tree_size) >= treeSize) return undefined;
    if (this.integrity.halted) return undefined;
    if (last) {
      let previous: string;
      try {
        previous = (await fetchRoot(new PgMerkleStore(m), Number(last.tree_size))).toString('hex');
      } catch (e) {
        previous = `unreadable (${(e as Error).message})`;
      }
      if (previous !== last.root_hash) {
        this.integrity.halt(`the stored tree at size ${last.tree_size} has root ${previous}, the checkpoint signed ${last.root_hash}`);
        return undefined;
      }
    }
    const at = this.clock.now();
    const note = this.signer.sign(treeSize, root, at);
    const rootHex = root.toString('hex');
    await m.query('INSERT INTO audit.checkpoint (tree_size, root_hash, signed_at, key_id, note) VALUES ($1, $2, $3, $4, $5)',
      [treeSize, rootHex, at, this.signer.keyId, note]);
    return newEvent('audit.checkpoint', {
      correlationId: `audit-checkpoint:${treeSize}`,
      actor: systemActor('audit'),
      subject: { type: 'audit-log', id: this.signer.origin },
      payload: {
        origin: this.signer.origin, treeSize, rootHash: rootHex, timestamp: at.toISOString(), checkpoint: note,
        publicKey: this.signer.verifierKeyText,
      },
    }) as KinlinkEvent;
  }

  /** Cuts a checkpoint if the tree grew since the last one. Returns its size, if one was signed. */
  async tick(): Promise<number | undefined> {
    const [row]: Array<{ size: string; last: string | null }> = await this.db.query(
      'SELECT h.size, (SELECT max(tree_size) FROM audit.checkpoint) AS last FROM audit.head h WHERE h.id = 1');
    if (!row || Number(row.size) <= Number(row.last ?? 0) || this.integrity.halted) return undefined;
    return this.uow.run(async (m) => {
      const head = await lockHead(m);
      const root = MerkleAccumulator.fromState({ size: head.size, frontier: head.frontier }).root();
      const event = await this.cutLocked(m, head.size, root);
      return { result: event ? head.size : undefined, events: event ? [event] : [] };
    });
  }

  onApplicationBootstrap(): void {
    const seconds = this.signer.checkpointSeconds;
    if (seconds <= 0) return;
    const loop = (): void => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.running = this.tick()
          .catch((e: Error) => this.logger.warn(`checkpoint tick failed: ${e.message}`))
          .finally(loop);
      }, seconds * 1000);
      this.timer.unref();
    };
    loop();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
