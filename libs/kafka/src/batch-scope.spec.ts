import type { DataSource } from 'typeorm';
import { BatchScope, currentBatch, inboxKey, InboxConflict, runInBatch } from './batch-scope';

/** A data source whose one query runner records statements; `processed` plays the inbox table. */
function fakeDataSource(processed: Set<string> = new Set()) {
  const statements: string[] = [];
  const outboxRows: unknown[][] = [];
  const state = { committed: 0, rolledBack: 0, released: 0 };
  const manager = {
    connection: { options: { schema: 's' } },
    query: jest.fn(async (sql: string, params: unknown[]) => {
      statements.push(sql.trim().split(/\s+/).slice(0, 2).join(' '));
      if (sql.includes('processed_event p WHERE p.consumer = $1')) { // the inbox pre-check
        const [consumer, ids] = params as [string, string[]];
        return ids.filter((id) => processed.has(inboxKey(consumer, id))).map((event_id) => ({ event_id }));
      }
      if (sql.includes('INSERT INTO "s".processed_event')) {
        const [consumers, ids] = params as [string[], string[]];
        const fresh = consumers.map((c, i) => [c, ids[i]]).filter(([c, id]) => !processed.has(inboxKey(c, id)));
        fresh.forEach(([c, id]) => processed.add(inboxKey(c, id)));
        return fresh.map(([consumer, event_id]) => ({ consumer, event_id }));
      }
      if (sql.includes('INSERT INTO "s".outbox')) {
        const [topics, keys] = params as [string[], string[]];
        outboxRows.push(topics.map((topic, i) => ({ topic, key: keys[i] })));
      }
      return [];
    }),
  };
  const runner = {
    manager, query: manager.query, connect: async () => undefined, startTransaction: async () => undefined,
    commitTransaction: async () => { state.committed++; }, rollbackTransaction: async () => { state.rolledBack++; }, release: async () => { state.released++; },
  };
  const dataSource = { createQueryRunner: jest.fn(() => runner), options: { schema: 's' } } as unknown as DataSource;
  return { dataSource, statements, outboxRows, state, processed };
}

describe('BatchScope (one transaction per slice)', () => {
  it('opens one transaction, skips events already processed or repeated in the slice, and writes inbox and outbox rows once each at commit', async () => {
    const db = fakeDataSource(new Set([inboxKey('c', 'old')]));
    const scope = new BatchScope(new Set(), ['old', 'a', 'b']);
    const kicks: string[] = [];
    const claims = await runInBatch(scope, async () => {
      expect(currentBatch()).toBe(scope);
      const out: boolean[] = [];
      for (const id of ['a', 'old', 'b', 'a']) {
        const tx = await scope.claim(db.dataSource, 'c', id, () => kicks.push('kick'));
        out.push(tx !== undefined);
        if (tx) {
          tx.inbox.push(['c', id]);
          tx.outbox.push({ topic: 't', key: id, headers: {}, payload: {} });
        }
      }
      return out;
    });
    expect(claims).toEqual([true, false, true, false]);
    expect(db.dataSource.createQueryRunner).toHaveBeenCalledTimes(1);
    const sent: unknown[] = [];
    await scope.commit(async (r) => { sent.push(...r); });
    expect(db.state).toEqual({ committed: 1, rolledBack: 0, released: 1 });
    expect(db.statements.filter((s) => s === 'INSERT INTO')).toHaveLength(2); // the inbox and the outbox, multi-row each
    expect(db.outboxRows).toEqual([[expect.objectContaining({ key: 'a' }), expect.objectContaining({ key: 'b' })]]);
    expect(kicks).toEqual(['kick']);
    expect(sent).toEqual([]);
    expect(currentBatch()).toBeUndefined();
  });

  it('reports a concurrent duplicate at commit (InboxConflict) and commits nothing', async () => {
    const db = fakeDataSource();
    const scope = new BatchScope();
    const tx = (await runInBatch(scope, () => scope.claim(db.dataSource, 'c', 'x', () => undefined)))!;
    tx.inbox.push(['c', 'x']);
    db.processed.add(inboxKey('c', 'x')); // another instance committed it meanwhile
    const failure = await scope.commit(async () => undefined).catch((e) => e);
    expect(failure).toBeInstanceOf(InboxConflict);
    expect([...(failure as InboxConflict).duplicates]).toEqual([inboxKey('c', 'x')]);
    await scope.rollback();
    expect(db.state).toMatchObject({ committed: 0, rolledBack: 1 });
  });

  it('sends collected records in message order before committing, and refuses to commit a poisoned slice', async () => {
    const scope = new BatchScope();
    scope.current = 1;
    scope.collect([{ topic: 't', key: 'b', value: 'b' }]);
    scope.current = 0;
    scope.collect([{ topic: 't', key: 'a', value: 'a' }]);
    expect(scope.recordsOf(1).map((r) => r.key)).toEqual(['b']);
    const sent: string[] = [];
    await scope.commit(async (rs) => { sent.push(...rs.map((r) => r.key!)); });
    expect(sent).toEqual(['a', 'b']);

    const poisoned = new BatchScope();
    poisoned.current = 3;
    poisoned.poison();
    poisoned.current = 5;
    poisoned.poison();
    expect(poisoned.poisonedAt).toBe(3);
    await expect(poisoned.commit(async () => undefined)).rejects.toThrow(/message 3/);
  });
});

describe('BatchScope.atCommit (per-slice work)', () => {
  it('runs each key\'s work once, after the slice\'s effects and before its inbox rows and commit; a failure commits nothing', async () => {
    const db = fakeDataSource();
    const scope = new BatchScope();
    const ran: string[] = [];
    await runInBatch(scope, async () => {
      for (const id of ['a', 'b', 'c']) {
        const tx = (await scope.claim(db.dataSource, 'c', id, () => undefined))!;
        tx.inbox.push(['c', id]);
        scope.atCommit(db.dataSource, 'tree', async (m) => { ran.push('tree'); await m.query('UPDATE tree', []); });
      }
    });
    expect(ran).toEqual([]);
    await scope.commit(async () => undefined);
    expect(ran).toEqual(['tree']);
    expect(db.statements.indexOf('UPDATE tree')).toBeLessThan(db.statements.findIndex((s) => s.startsWith('INSERT INTO')));
    expect(db.state.committed).toBe(1);

    const failing = fakeDataSource();
    const scope2 = new BatchScope();
    await runInBatch(scope2, async () => {
      const tx = (await scope2.claim(failing.dataSource, 'c', 'x', () => undefined))!;
      tx.inbox.push(['c', 'x']);
      scope2.atCommit(failing.dataSource, 'tree', async () => { throw new Error('tree broken'); });
    });
    await expect(scope2.commit(async () => undefined)).rejects.toThrow('tree broken');
    await scope2.rollback();
    expect(failing.state).toMatchObject({ committed: 0, rolledBack: 1 });
  });
});
