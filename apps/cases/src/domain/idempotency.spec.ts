import { MAX_REMEMBERED_COMMANDS, checkReplay, commandFingerprint, rememberCommand } from './idempotency';

describe('command fingerprints', () => {
  it('ignore the delivery fields and the key order', () => {
    const a = commandFingerprint({ type: 'close', reasonCode: 'other', note: 'n', commandId: 'x', correlationId: 'y' }, 'u1');
    const b = commandFingerprint({ note: 'n', reasonCode: 'other', type: 'close' }, 'u1');
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
  });

  it('differ with the content, nested content and the actor', () => {
    const base = commandFingerprint({ type: 'submit', checklist: { a: true } }, 'u1');
    expect(commandFingerprint({ type: 'submit', checklist: { a: false } }, 'u1')).not.toBe(base);
    expect(commandFingerprint({ type: 'submit', checklist: { a: true } }, 'u2')).not.toBe(base);
    expect(commandFingerprint({ type: 'submit', checklist: { a: true }, note: 'x' }, 'u1')).not.toBe(base);
  });
});

describe('the remembered window', () => {
  it('recognises a replay, a conflict and a new id', () => {
    const applied = rememberCommand([], 'k1', 'f1');
    expect(checkReplay(applied, 'k1', 'f1')).toBe('duplicate');
    expect(checkReplay(applied, 'k1', 'f2')).toBe('conflict');
    expect(checkReplay(applied, 'k2', 'f1')).toBe('new');
  });

  it('keeps the last MAX_REMEMBERED_COMMANDS and does not mutate its input', () => {
    let applied = rememberCommand([], 'k0', 'f');
    const first = applied;
    for (let i = 1; i <= MAX_REMEMBERED_COMMANDS; i++) applied = rememberCommand(applied, `k${i}`, 'f');
    expect(first).toHaveLength(1);
    expect(applied).toHaveLength(MAX_REMEMBERED_COMMANDS);
    expect(applied[0].commandId).toBe('k1');
    expect(checkReplay(applied, 'k0', 'f')).toBe('new');
  });

  it('a command without id is not remembered', () => {
    expect(rememberCommand([], null, 'f')).toEqual([]);
  });
});
