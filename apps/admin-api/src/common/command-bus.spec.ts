import { ConfigService } from '@nestjs/config';
import type { DataSource } from 'typeorm';
import type { UnitOfWork } from '@kinlink/kafka';
import type { AuthUser } from '../auth';
import { ApiError } from './api.errors';
import { canonicalJson, COMMAND_ID, CommandBus } from './command-bus';

const user = (id: string, agencyId = 'unhcr'): AuthUser => ({ id, role: 'coordinator', agencyId, agencyScope: [agencyId] });
const bus = new CommandBus({} as DataSource, {} as UnitOfWork, new ConfigService({ COMMAND_WAIT_MS: 10 }));

describe('command ids', () => {
  it('makes an Idempotency-Key the caller’s own: the same key of two callers is two commands', () => {
    const a = bus.commandIdFor(user('amal'), 'retry-0001');
    expect(bus.commandIdFor(user('amal'), 'retry-0001')).toBe(a);
    expect(bus.commandIdFor(user('jonas'), 'retry-0001')).not.toBe(a);
    expect(bus.commandIdFor(user('amal', 'icrc'), 'retry-0001')).not.toBe(a);
    expect(a).toMatch(COMMAND_ID);
    expect(a).not.toContain('retry');
  });

  it('gives a fresh id without a key and refuses malformed keys', () => {
    expect(bus.commandIdFor(user('amal'), undefined)).not.toBe(bus.commandIdFor(user('amal'), undefined));
    for (const bad of ['short', 'has space in it', 'x'.repeat(81), 'ümlaut-key']) {
      expect(() => bus.commandIdFor(user('amal'), bad)).toThrow(ApiError);
    }
  });

  it('hashes requests independently of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  });
});
