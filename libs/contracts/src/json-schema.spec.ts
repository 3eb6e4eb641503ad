import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  agencyContractSchemaFiles,
  CONTRACT_ID_BASE,
  CONTRACT_SCHEMA_DIR,
  CONTRACT_SCHEMA_ROOT,
  contractSchemaDrift,
  UNION_FILE,
} from '../../../scripts/contracts-schema';
import { AGENCY_EVENT_TYPES, checkAgencyEvent } from './agency/agency-event';
import { TOPIC_OF } from './internal-events';

const REGENERATE = 'node -r @swc-node/register scripts/contracts-schema.ts';

describe('published JSON Schema of the agency contract (docs/contracts)', () => {
  const files = agencyContractSchemaFiles();
  const parsed = new Map(files.map((f) => [f.file, JSON.parse(f.content) as Record<string, unknown>]));

  it('is up to date with the zod source', () => {
    const drift = contractSchemaDrift();
    if (drift.length > 0) throw new Error(`${drift.join('\n')}\nregenerate with: ${REGENERATE}`);
  });

  it('is deterministic', () => {
    expect(agencyContractSchemaFiles()).toEqual(files);
  });

  it('has one draft 2020-12 schema per event type plus the union, with urn:kinlink:contracts: ids', () => {
    expect([...parsed.keys()].sort()).toEqual([...AGENCY_EVENT_TYPES.map((t) => `${t}.schema.json`), UNION_FILE].sort());
    for (const [file, schema] of parsed) {
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toMatch(/^urn:kinlink:contracts:/);
      expect(schema.$id).toBe(file === UNION_FILE ? CONTRACT_ID_BASE : `${CONTRACT_ID_BASE}:${file.replace(/\.schema\.json$/, '')}`);
    }
    expect((parsed.get(UNION_FILE)!.anyOf as unknown[]).length).toBe(AGENCY_EVENT_TYPES.length);
  });

  it('keeps what zod checks beyond types: strict objects, the name refinement, trimmed text', () => {
    const schema = parsed.get('child.registered.schema.json')!;
    expect(schema.additionalProperties).toBe(false);
    const defs = schema.$defs as Record<string, Record<string, unknown>>;
    for (const [name, def] of Object.entries(defs)) {
      if (def.type === 'object') expect([name, def.additionalProperties]).toEqual([name, false]);
    }
    expect(defs.PersonName.anyOf).toEqual(['given', 'family', 'full', 'original'].map((f) => ({ required: [f] })));
    expect((defs.PersonName.properties as Record<string, unknown>).given).toMatchObject({ type: 'string', pattern: '\\S', minLength: 1 });
  });
});

describe('docs/events.md', () => {
  const doc = readFileSync(path.join(CONTRACT_SCHEMA_ROOT, 'docs/events.md'), 'utf8');
  const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as Record<string, unknown>);
  const events = blocks.filter((b) => typeof b.type === 'string' && 'schemaVersion' in b && 'data' in b);
  const notices = blocks.filter((b) => b.type === 'event.rejected') as Array<{ rejection: { eventId?: string } }>;

  it('has both agency event examples and a rejection notice', () => {
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['child.registered', 'tracing-request.filed']));
    expect(notices.length).toBeGreaterThan(0);
  });

  it('has examples that are valid events, or refused exactly as their documented rejection notice says', () => {
    for (const event of events) {
      const result = checkAgencyEvent(JSON.stringify(event), String(event.agencyId));
      const notice = notices.find((n) => n.rejection.eventId === event.eventId);
      if (notice) expect(result).toEqual({ ok: false, rejection: notice.rejection });
      else expect([event.eventId, result.ok]).toEqual([event.eventId, true]);
    }
    for (const notice of notices) {
      expect(events.some((e) => e.eventId === notice.rejection.eventId)).toBe(true);
    }
  });

  it('points to the published schema directory', () => {
    expect(doc).toContain(CONTRACT_SCHEMA_DIR);
  });

  it('lists every internal event type with its topic (TOPIC_OF)', () => {
    const rows = doc.split('\n').filter((line) => line.startsWith('| `'));
    const missing = Object.entries(TOPIC_OF)
      .filter(([type, topic]) => !rows.some((row) => row.split('|')[1].includes(`\`${type}\``) && row.split('|')[2].trim() === `\`${topic}\``))
      .map(([type, topic]) => `${type} → ${topic}`);
    expect(missing).toEqual([]);
  });
});
