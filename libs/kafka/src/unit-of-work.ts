import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { KinlinkEvent } from '@kinlink/contracts';
import { addToOutbox, runOnce } from '@kinlink/database';
import { EventPublisher } from './event-publisher';
import { OutboxRelay } from './outbox-relay';
import { currentBatch } from './batch-scope';

/** What a use case does inside one transaction, and the events it wants published with it. */
export type TransactionalEffect<T> = (manager: EntityManager) => Promise<{ result: T; events: KinlinkEvent[] }>;

/**
 * The port use cases use for "change state and publish events atomically": the effect and its
 * events commit together (transactional outbox); with `once`, also with the inbox row, so a
 * redelivered event changes nothing.
 */
@Injectable()
export class UnitOfWork {
  private readonly logger = new Logger(UnitOfWork.name);
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly relay: OutboxRelay,
  ) {}

  /** Once per (consumer, event id). Returns undefined for a redelivery. */
  async once<T>(consumer: string, eventId: string, effect: TransactionalEffect<T>): Promise<{ duplicate: boolean; result?: T }> {
    const batch = currentBatch();
    if (batch) {
      // inside a batch slice (KafkaEventServer): join the slice's transaction; inbox and outbox rows are written at its commit
      const tx = await batch.claim(this.dataSource, consumer, eventId, () => this.relay.kick());
      if (!tx) {
        this.logger.log(`duplicate delivery ignored: consumer=${consumer} event=${eventId}`);
        return { duplicate: true };
      }
      try {
        const { result, events } = await effect(tx.runner.manager);
        tx.inbox.push([consumer, eventId]);
        for (const e of events) tx.outbox.push(this.publisher.toOutboxEntry(e));
        return { duplicate: false, result };
      } catch (e) {
        batch.poison();
        throw e;
      }
    }
    const outcome = await runOnce(this.dataSource, consumer, eventId, (m) => this.withOutbox(m, effect));
    if (!outcome.duplicate) this.relay.kick();
    // counted by the reliability suite (duplicates delivered vs applied); rare outside faults
    else this.logger.log(`duplicate delivery ignored: consumer=${consumer} event=${eventId}`);
    return outcome.duplicate ? { duplicate: true } : { duplicate: false, result: outcome.result };
  }

  /**
   * Work that may be done once per slice instead of once per message, called from inside an
   * effect: inside a batch slice it runs once per `key`, on the slice's transaction, just before
   * its commit (after all the slice's effects); otherwise at once, on `manager`.
   */
  async atCommit(manager: EntityManager, key: string, work: (manager: EntityManager) => Promise<void>): Promise<void> {
    const batch = currentBatch();
    if (batch) {
      batch.atCommit(this.dataSource, key, work);
      return;
    }
    await work(manager);
  }

  /**
   * Inside a batch slice, a map that lives as long as the slice's transaction: what one message's
   * effect wrote and the next may reuse instead of reading it again (it is dropped with the slice,
   * so a rolled-back slice leaves nothing behind). Undefined outside a slice.
   */
  sliceMemo(): Map<string, unknown> | undefined {
    return currentBatch()?.memo;
  }

  async run<T>(effect: TransactionalEffect<T>): Promise<T> {
    const result = await this.dataSource.transaction((m) => this.withOutbox(m, effect));
    this.relay.kick();
    return result;
  }

  private async withOutbox<T>(manager: EntityManager, effect: TransactionalEffect<T>): Promise<T> {
    const { result, events } = await effect(manager);
    await addToOutbox(manager, events.map((e) => this.publisher.toOutboxEntry(e)));
    return result;
  }
}
