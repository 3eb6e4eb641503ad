import * as fs from 'node:fs';
import * as path from 'node:path';
import { INTERNAL_TOPICS, TOPIC_OF, TopicNames } from '@kinlink/contracts';
import { AUDITED_TOPICS } from '../../../../apps/audit/src/audit-log/audited-topics';
import {
  AclRule, agencyAcls, agencyPrincipal, ALL_AGENCY_INBOUND, ALL_AGENCY_OUTBOUND, allows, serviceAcls, servicePrincipal, SERVICE_NEEDS, SERVICES,
} from './acl-layout';
import { kafkaSecurityFromEnv } from './client-security';

const ROOT = path.resolve(__dirname, '../../../..');
const PREFIX = 'kinlink';
const topics = new TopicNames(PREFIX);
const rules: AclRule[] = [...SERVICES.flatMap((s) => serviceAcls(s, PREFIX)), ...['unhcr', 'unhcr-ke', 'icrc'].flatMap((a) => agencyAcls(a, PREFIX))];

/** Non-test TypeScript sources of a service. */
function sourcesOf(service: string): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts') && !/\.(spec|int-spec)\.ts$/.test(e.name)) out.push(fs.readFileSync(full, 'utf8'));
    }
  };
  walk(path.join(ROOT, 'apps', service, 'src'));
  return out.join('\n');
}

describe('ACL layout', () => {
  it('grants each service READ on what its main.ts subscribes to (and nothing it does not list)', () => {
    for (const service of SERVICES) {
      const main = fs.readFileSync(path.join(ROOT, 'apps', service, 'src', 'main.ts'), 'utf8');
      const subscribed = new Set([...main.matchAll(/INTERNAL_TOPICS\.(\w+)/g)].map((m) => INTERNAL_TOPICS[m[1] as keyof typeof INTERNAL_TOPICS]));
      if (main.includes('AUDITED_TOPICS')) AUDITED_TOPICS.forEach((t) => subscribed.add(t as never));
      if (main.includes('AGENCY_INBOUND')) subscribed.add(ALL_AGENCY_INBOUND as never);
      if (service === 'admin-api') subscribed.add(INTERNAL_TOPICS.auditCheckpoints); // CheckpointFeed, a group of its own
      expect([...subscribed].sort()).toEqual([...SERVICE_NEEDS[service]!.consumes].sort());
    }
  });

  it('grants each service WRITE on the topics of the events it creates, and on dead-letter', () => {
    for (const service of SERVICES) {
      const src = sourcesOf(service);
      const created = [...src.matchAll(/newEvent\('([a-z.-]+)'/g)].map((m) => TOPIC_OF[m[1] as keyof typeof TOPIC_OF]);
      for (const topic of created) expect({ service, topic, allowed: SERVICE_NEEDS[service]!.produces.includes(topic) }).toEqual({ service, topic, allowed: true });
      expect(SERVICE_NEEDS[service]!.produces).toContain(INTERNAL_TOPICS.deadLetter);
    }
    // the registry publishes record events whose type it computes; the gateway answers agencies
    expect(SERVICE_NEEDS.registry!.produces).toContain(INTERNAL_TOPICS.records);
    expect(SERVICE_NEEDS['agency-gateway']!.produces).toContain(ALL_AGENCY_OUTBOUND);
  });

  it('gives one writer per internal event topic (besides dead-letter)', () => {
    for (const topic of Object.values(INTERNAL_TOPICS).filter((t) => t !== INTERNAL_TOPICS.deadLetter)) {
      const writers = SERVICES.filter((s) => allows(rules, servicePrincipal(s), 'topic', topics.internal(topic), 'write'));
      expect({ topic, writers }).toEqual({ topic, writers: [expect.any(String)] });
    }
  });

  it('lets an agency write only its own inbound topic and read only its own outbound topic and groups', () => {
    const a = agencyPrincipal('unhcr');
    expect(allows(rules, a, 'topic', topics.agencyInbound('unhcr'), 'write')).toBe(true);
    expect(allows(rules, a, 'topic', topics.agencyOutbound('unhcr'), 'read')).toBe(true);
    expect(allows(rules, a, 'group', 'agency-unhcr.reader', 'read')).toBe(true);
    // prefix look-alikes: unhcr vs unhcr-ke
    expect(allows(rules, a, 'topic', topics.agencyInbound('unhcr-ke'), 'write')).toBe(false);
    expect(allows(rules, a, 'topic', topics.agencyOutbound('unhcr-ke'), 'read')).toBe(false);
    expect(allows(rules, a, 'group', 'agency-unhcr-ke.reader', 'read')).toBe(false);
    for (const [name, op] of [
      [topics.agencyInbound('unhcr'), 'read'], [topics.agencyOutbound('unhcr'), 'write'], [topics.agencyInbound('icrc'), 'write'],
      [topics.agencyOutbound('icrc'), 'read'], [topics.internal('intake'), 'write'], [topics.internal('records'), 'read'],
      [topics.agencyInbound('unhcr'), 'delete'], [topics.agencyInbound('unhcr'), 'alter-configs'],
    ] as const) {
      expect({ name, op, allowed: allows(rules, a, 'topic', name, op) }).toEqual({ name, op, allowed: false });
    }
    expect(allows(rules, a, 'group', `${PREFIX}.registry`, 'read')).toBe(false);
    expect(allows(rules, a, 'cluster', 'kafka-cluster', 'describe')).toBe(false);
    expect(allows(rules, a, 'cluster', 'kafka-cluster', 'create')).toBe(false);
  });

  it('has no rule that reaches beyond the deployment prefix, and no wildcard', () => {
    for (const r of rules) {
      expect(r.name.length).toBeGreaterThan(0);
      expect(r.name).not.toBe('*');
      if (r.resource === 'topic') expect(r.name.startsWith(`${PREFIX}.`)).toBe(true);
    }
  });

  it('reads client security from the environment', () => {
    expect(kafkaSecurityFromEnv({})).toEqual({});
    expect(kafkaSecurityFromEnv({ KAFKA_SASL_USERNAME: 'svc-registry', KAFKA_SASL_PASSWORD: 'pw' }))
      .toEqual({ sasl: { mechanism: 'scram-sha-512', username: 'svc-registry', password: 'pw' } });
    expect(() => kafkaSecurityFromEnv({ KAFKA_SASL_USERNAME: 'svc-registry' })).toThrow(/together/);
    expect(() => kafkaSecurityFromEnv({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/MECHANISM/);
  });
});
