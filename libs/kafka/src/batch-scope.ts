import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { addToOutbox, OutboxEntry, recordProcessed, schemaOf } from '@kinlink/database';
import type { RawRecord } from './event-publisher';

/**
 * One database transaction for a slice of a partition's batch (see KafkaEventServer.handleBatch).
 *
 * While the transport runs a slice's handlers inside `runInBatch`, `UnitOfWork.once` joins the
 * slice's transaction instead of opening its own: the effect runs on the shared manager, the inbox
 * row and the outbox entries are collected and written at commit in one multi-row statement each,
 * and `EventPublisher.sendRecords` collects its records for one send. Use cases keep their
 * signatures; per-partition order holds (the handlers run one after another).
 *
 * Any effect that throws poisons the slice (even if the use case catches the error), so nothing
 * half-done can commit: the transport rolls back and replays the slice one message per
 * transaction, where failures are retried and dead-lettered alone as before.
 */
export class BatchScope {
  private readonly transactions = new Map<DataSource, SliceTransaction>();
  private readonly claimed = new Set<string>();
  /** records sent directly by the slice's handlers, by message index (sent at commit, in order) */
  private readonly records = new Map<number, RawRecord[]>();
  private open = true;
  /** index in the slice of the message whose effect failed first (set by `poison`) */
  poisonedAt?: number;
  /** index in the slice of the message being handled (set by the transport) */
  current = 0;
  /** state handlers carry from one message of the slice to the next (gone with the slice, committed or not) */
  readonly memo = new Map<string, unknown>();

  private readonly known: Set<string>;

  /**
   * `known`: (consumer, event id) keys a previous attempt of this slice found already processed;
   * `candidateIds`: event ids the slice's messages name in their headers, looked up in the inbox
   * once per consumer so redeliveries are skipped before their effects run.
   */
  constructor(known: ReadonlySet<string> = new Set(), private readonly candidateIds: string[] = []) {
    this.known = new Set(known);
  }

  get isOpen(): boolean {
    return this.open;
  }

  /**
   * The slice's transaction for this (consumer, event), or undefined when the event was already
   * processed (found in the inbox, or handled earlier in the slice).
   */
  async claim(dataSource: DataSource, consumer: string, eventId: string, afterCommit: () => void): Promise<SliceTransaction | undefined> {
    const tx = await this.transaction(dataSource, afterCommit);
    if (!tx.looked.has(consumer)) {
      tx.looked.add(consumer);
      if (this.candidateIds.length > 0) {
        // one index probe per id (the LATERAL … LIMIT 1 forces it): with `event_id = ANY($2)` the
        // planner read every inbox row of the consumer (a seq scan, or the primary key on `consumer`
        // alone) whenever the table was young or unanalysed, or small next to the list: ≈ 80 % of
        // all rows PostgreSQL read in the end-to-end benchmark, growing with the inbox
        const rows: Array<{ event_id: string }> = await tx.runner.query(
          `SELECT c.id AS event_id FROM unnest($2::text[]) AS c(id)
           CROSS JOIN LATERAL (SELECT 1 FROM "${schemaOf(dataSource)}".processed_event p WHERE p.consumer = $1 AND p.event_id = c.id LIMIT 1) hit`,
          [consumer, this.candidateIds],
        );
        for (const r of rows) this.known.add(inboxKey(consumer, r.event_id));
      }
    }
    const key = inboxKey(consumer, eventId);
    if (this.known.has(key) || this.claimed.has(key)) return undefined;
    this.claimed.add(key);
    return tx;
  }

  collect(records: RawRecord[]): void {
    const list = this.records.get(this.current);
    if (list) list.push(...records);
    else this.records.set(this.current, [...records]);
  }

  /** What message `index` sent before it failed: a handler that reports and then throws keeps its report. */
  recordsOf(index: number): RawRecord[] {
    return this.records.get(index) ?? [];
  }

  /**
   * Runs `work` once (per key) on the data source's slice transaction just before the commit,
   * after every handler of the slice: work that is per slice rather than per message (e.g. a
   * projection's aggregate advanced over everything the slice added). If it throws, nothing of the
   * slice commits and the transport replays it one message per transaction.
   */
  atCommit(dataSource: DataSource, key: string, work: (manager: EntityManager) => Promise<void>): void {
    const tx = this.transactions.get(dataSource);
    if (!tx) throw new Error('atCommit outside the slice transaction');
    if (!tx.atCommit.has(key)) tx.atCommit.set(key, work);
  }

  poison(): void {
    this.poisonedAt ??= this.current;
  }

  /** The slice's transaction on this data source, begun on first use. */
  private async transaction(dataSource: DataSource, afterCommit: () => void): Promise<SliceTransaction> {
    let tx = this.transactions.get(dataSource);
    if (!tx) {
      const runner = dataSource.createQueryRunner();
      tx = { runner, inbox: [], outbox: [], afterCommit, looked: new Set(), atCommit: new Map() };
      this.transactions.set(dataSource, tx);
      await runner.connect();
      await runner.startTransaction();
    }
    return tx;
  }

  /** No more work joins the slice (later calls from timers started inside it go their own way). */
  close(): void {
    this.open = false;
  }

  /**
   * Publishes the collected records (before the database commits: a failure then replays the
   * slice, so nothing is lost — at worst sent twice, which consumers' inboxes absorb), then per
   * data source writes the inbox rows (a conflict throws InboxConflict naming the duplicates), the
   * outbox rows (last, as addToOutbox requires) and commits.
   */
  async commit(send: (records: RawRecord[]) => Promise<void>): Promise<void> {
    this.close();
    if (this.poisonedAt !== undefined) throw new Error(`effect of message ${this.poisonedAt} of the slice failed`);
    const records = [...this.records.keys()].sort((a, b) => a - b).flatMap((k) => this.records.get(k)!);
    if (records.length > 0) await send(records);
    for (const tx of this.transactions.values()) {
      const manager = tx.runner.manager;
      for (const work of tx.atCommit.values()) await work(manager);
      const inserted = await recordProcessed(manager, tx.inbox);
      if (inserted.length !== tx.inbox.length) {
        const fresh = new Set(inserted.map(([c, e]) => inboxKey(c, e)));
        throw new InboxConflict(new Set(tx.inbox.map(([c, e]) => inboxKey(c, e)).filter((k) => !fresh.has(k))));
      }
      await addToOutbox(manager, tx.outbox);
    }
    for (const tx of this.transactions.values()) {
      await tx.runner.commitTransaction();
      await tx.runner.release();
    }
    for (const tx of this.transactions.values()) if (tx.inbox.length > 0) tx.afterCommit();
    this.transactions.clear();
  }

  async rollback(): Promise<void> {
    this.close();
    for (const tx of this.transactions.values()) {
      await tx.runner.rollbackTransaction().catch(() => undefined);
      await tx.runner.release().catch(() => undefined);
    }
    this.transactions.clear();
  }
}

export interface SliceTransaction {
  runner: QueryRunner;
  inbox: Array<[string, string]>;
  outbox: OutboxEntry[];
  afterCommit: () => void;
  /** consumers whose inbox rows for the slice's candidate ids were looked up */
  looked: Set<string>;
  /** per-slice work run before the commit, by key (BatchScope.atCommit) */
  atCommit: Map<string, (manager: EntityManager) => Promise<void>>;
}

/** Some events of the slice were processed already (a redelivery): retry the slice skipping them. */
export class InboxConflict extends Error {
  constructor(readonly duplicates: Set<string>) {
    super(`${duplicates.size} event(s) of the slice were already processed`);
  }
}

const storage = new AsyncLocalStorage<BatchScope>();

export function runInBatch<T>(scope: BatchScope, work: () => Promise<T>): Promise<T> {
  return storage.run(scope, work);
}

/** The open slice the caller runs in, if any. */
export function currentBatch(): BatchScope | undefined {
  const scope = storage.getStore();
  return scope?.isOpen ? scope : undefined;
}

export const inboxKey = (consumer: string, eventId: string) => `${consumer}\u0000${eventId}`;
