/**
 * Generates the published JSON Schema (draft 2020-12) of the agency contract v1 from its zod source
 * (libs/contracts/src/agency/*): one file per event type plus the union of all of them, under
 * docs/contracts/agency-events.v1/. The output is deterministic (canonical key order, sorted $defs,
 * one trailing newline), so re-running it on an unchanged contract produces no diff.
 *
 *   node -r @swc-node/register scripts/contracts-schema.ts           write the files
 *   node -r @swc-node/register scripts/contracts-schema.ts --check   exit 1 if they are out of date
 *
 * libs/contracts/src/json-schema.spec.ts regenerates in memory and compares, so the published
 * contract cannot drift from the code that enforces it.
 *
 * What JSON Schema cannot say is handled here, loudly: a zod check the generator does not know
 * (a new `.refine`, say) stops the generation instead of being silently dropped.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import * as contracts from '../libs/contracts/src';
import { AGENCY_EVENT_TYPES, AgencyEventV1, MAX_AGENCY_EVENT_BYTES, PersonName, SUPPORTED_AGENCY_SCHEMA_VERSIONS } from '../libs/contracts/src';

type JsonSchema = Record<string, unknown>;

export const CONTRACT_SCHEMA_ROOT = path.resolve(__dirname, '..');
/** Where the files go, relative to the repository root. */
export const CONTRACT_SCHEMA_DIR = 'docs/contracts/agency-events.v1';
export const CONTRACT_ID_BASE = 'urn:kinlink:contracts:agency-events:v1';
export const UNION_FILE = 'agency-event.schema.json';

export interface GeneratedFile {
  /** file name inside CONTRACT_SCHEMA_DIR */
  file: string;
  content: string;
}

/**
 * Refinements (`.refine`) on named schemas, as JSON Schema. Each one must say exactly what the
 * zod refinement checks; a refinement missing here makes the generator throw.
 */
const REFINEMENTS = new Map<z.ZodType, (schema: JsonSchema) => void>([
  [PersonName as z.ZodType, (schema) => {
    // zod: `a name needs at least one of given, family, full, original`
    schema.anyOf = ['given', 'family', 'full', 'original'].map((field) => ({ required: [field] }));
  }],
  [contracts.PartialDate as z.ZodType, (schema) => {
    // zod: a full date must exist in the calendar (2016-02-31 is refused); JSON Schema's pattern cannot say it
    schema.$comment = 'a YYYY-MM-DD value must be a real calendar date';
  }],
]);

/** zod checks that z.toJSONSchema expresses itself (lengths, bounds, formats, patterns). */
const REPRESENTED_CHECKS = new Set([
  'min_length', 'max_length', 'length_equals', 'string_format', 'greater_than', 'less_than', 'number_format', 'multiple_of', 'min_size', 'max_size',
]);

interface ZodInternals {
  _zod: { def: { type: string; checks?: Array<{ _zod: { def: { check: string } } }> } };
}

function checksOf(schema: unknown): string[] {
  return ((schema as ZodInternals)._zod.def.checks ?? []).map((c) => c._zod.def.check);
}

/** Names every exported zod schema (PersonName, Place …) so it becomes a readable `$defs` entry. */
function namedSchemas(): z.core.$ZodRegistry<{ id: string }> {
  const registry = z.registry<{ id: string }>();
  const entries = Object.entries(contracts)
    .filter(([name, value]) => value instanceof z.ZodType && value !== AgencyEventV1 && /^[A-Z]/.test(name))
    .sort(([a], [b]) => a.localeCompare(b));
  for (const [name, schema] of entries) {
    if (!registry.has(schema as z.ZodType)) registry.add(schema as z.ZodType, { id: name });
  }
  return registry;
}

function toJsonSchema(schema: z.ZodType, registry: z.core.$ZodRegistry<{ id: string }>): JsonSchema {
  return z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
    reused: 'inline',
    cycles: 'throw',
    metadata: registry,
    override: ({ zodSchema, jsonSchema, path: at }) => {
      const js = jsonSchema as JsonSchema;
      const meta = z.globalRegistry.get(zodSchema as unknown as z.ZodType);
      if (meta?.description && js.description === undefined) js.description = meta.description;
      for (const check of checksOf(zodSchema)) {
        if (REPRESENTED_CHECKS.has(check)) continue;
        if (check === 'overwrite' && zodSchema._zod.def.type === 'string') {
          // `.trim()`: surrounding white space is removed before the length checks, so a value
          // of only white space is empty. JSON Schema cannot trim; it can require a non-space.
          if (js.minLength !== undefined && js.pattern === undefined) js.pattern = '\\S';
          continue;
        }
        if (check === 'custom') {
          const refine = REFINEMENTS.get(zodSchema as unknown as z.ZodType);
          if (!refine) throw new Error(`a .refine() at ${at.join('.') || '(root)'} has no JSON Schema equivalent in scripts/contracts-schema.ts (REFINEMENTS)`);
          refine(js);
          continue;
        }
        throw new Error(`zod check "${check}" at ${at.join('.') || '(root)'} is not expressed in JSON Schema; teach scripts/contracts-schema.ts`);
      }
    },
  }) as JsonSchema;
}

// ---- canonical form ------------------------------------------------------------------------

/** Keyword order in every schema object; keywords not listed follow, alphabetically. */
const KEYWORD_ORDER = [
  '$schema', '$id', '$ref', 'title', 'description', '$comment',
  'type', 'const', 'enum', 'format', 'pattern', 'minLength', 'maxLength',
  'minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum', 'multipleOf',
  'items', 'minItems', 'maxItems', 'uniqueItems',
  'properties', 'required', 'additionalProperties',
  'anyOf', 'oneOf', 'allOf', 'not', 'examples', '$defs',
];
/** Keys of schema objects that hold maps of sub-schemas rather than keywords. */
const SCHEMA_MAPS = new Set(['properties', '$defs', 'patternProperties', 'dependentSchemas']);
/** zod's registry id, copied into $defs entries by zod; the `$defs` key already names them. */
const DROPPED_KEYWORDS = new Set(['id']);

function rank(key: string): number {
  const i = KEYWORD_ORDER.indexOf(key);
  return i === -1 ? KEYWORD_ORDER.length : i;
}

function canonicalSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalSchema);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonSchema = {};
  const keys = Object.keys(value).filter((k) => !DROPPED_KEYWORDS.has(k))
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const key of keys) {
    const v = (value as JsonSchema)[key];
    out[key] = SCHEMA_MAPS.has(key) ? canonicalMap(v as JsonSchema, key === '$defs') : canonicalSchema(v);
  }
  return out;
}

/** `properties` keep the contract's declaration order (as documented); `$defs` are sorted by name. */
function canonicalMap(map: JsonSchema, sort: boolean): JsonSchema {
  const keys = Object.keys(map);
  if (sort) keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: JsonSchema = {};
  for (const key of keys) out[key] = canonicalSchema(map[key]);
  return out;
}

function render(schema: JsonSchema): string {
  return `${JSON.stringify(canonicalSchema(schema), null, 2)}\n`;
}

// ---- the files -----------------------------------------------------------------------------

function describeEvent(type: string | undefined): string {
  const what = type ? `A \`${type}\` event` : 'Any event';
  return `${what} of the Kinlink agency contract, schemaVersion ${SUPPORTED_AGENCY_SCHEMA_VERSIONS.join(', ')}. ` +
    `Published by an agency on its inbound topic <prefix>.inbound.<agencyId>, as UTF-8 JSON of at most ${MAX_AGENCY_EVENT_BYTES} bytes. ` +
    'Unknown fields are rejected. Generated from libs/contracts/src by scripts/contracts-schema.ts; see docs/events.md.';
}

/** Every file of the published contract, in memory. */
export function agencyContractSchemaFiles(): GeneratedFile[] {
  const registry = namedSchemas();
  const files: GeneratedFile[] = [];
  const options = AgencyEventV1.options as unknown as z.ZodObject[];
  for (const type of AGENCY_EVENT_TYPES) {
    const option = options.find((o) => (o.shape.type as z.ZodLiteral).value === type);
    if (!option) throw new Error(`AgencyEventV1 has no variant for ${type}`);
    files.push({
      file: `${type}.schema.json`,
      content: render({
        ...toJsonSchema(option, registry),
        $id: `${CONTRACT_ID_BASE}:${type}`,
        title: `Kinlink agency event v1: ${type}`,
        description: describeEvent(type),
      }),
    });
  }
  if (options.length !== AGENCY_EVENT_TYPES.length) throw new Error('AgencyEventV1 and AGENCY_EVENT_TYPES list different types');
  files.push({
    file: UNION_FILE,
    content: render({
      ...toJsonSchema(AgencyEventV1, registry),
      $id: CONTRACT_ID_BASE,
      title: 'Kinlink agency event v1',
      description: describeEvent(undefined),
    }),
  });
  return files.sort((a, b) => (a.file < b.file ? -1 : 1));
}

/** Differences between the files on disk and freshly generated ones (empty when up to date). */
export function contractSchemaDrift(root = CONTRACT_SCHEMA_ROOT): string[] {
  const dir = path.join(root, CONTRACT_SCHEMA_DIR);
  const expected = agencyContractSchemaFiles();
  let onDisk: string[] = [];
  try {
    onDisk = readdirSync(dir).filter((f) => f.endsWith('.schema.json'));
  } catch {
    return [`${CONTRACT_SCHEMA_DIR}/ is missing`];
  }
  const problems: string[] = [];
  for (const { file, content } of expected) {
    if (!onDisk.includes(file)) problems.push(`${CONTRACT_SCHEMA_DIR}/${file} is missing`);
    else if (readFileSync(path.join(dir, file), 'utf8') !== content) problems.push(`${CONTRACT_SCHEMA_DIR}/${file} is out of date`);
  }
  for (const file of onDisk) {
    if (!expected.some((e) => e.file === file)) problems.push(`${CONTRACT_SCHEMA_DIR}/${file} is not generated from the contract (stale)`);
  }
  return problems;
}

export function writeContractSchemas(root = CONTRACT_SCHEMA_ROOT): string[] {
  const dir = path.join(root, CONTRACT_SCHEMA_DIR);
  mkdirSync(dir, { recursive: true });
  const files = agencyContractSchemaFiles();
  for (const stale of readdirSync(dir).filter((f) => f.endsWith('.schema.json') && !files.some((e) => e.file === f))) {
    rmSync(path.join(dir, stale));
  }
  for (const { file, content } of files) writeFileSync(path.join(dir, file), content);
  return files.map((f) => `${CONTRACT_SCHEMA_DIR}/${f.file}`);
}

if (require.main === module) {
  if (process.argv.includes('--check')) {
    const drift = contractSchemaDrift();
    if (drift.length > 0) {
      process.stderr.write(`${drift.join('\n')}\nregenerate with: node -r @swc-node/register scripts/contracts-schema.ts\n`);
      process.exit(1);
    }
    process.stdout.write(`[kinlink] ${CONTRACT_SCHEMA_DIR} is up to date\n`);
  } else {
    const written = writeContractSchemas();
    process.stdout.write(`[kinlink] wrote ${written.length} JSON Schema files to ${CONTRACT_SCHEMA_DIR}/\n`);
  }
}
