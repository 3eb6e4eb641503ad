/**
 * Canonical JSON: the RFC 8785 (JCS) serialisation restricted to plain JSON data.
 *
 * - objects: members sorted by key, comparing UTF-16 code units (JavaScript's default
 *   string order, as RFC 8785 §3.2.3 requires); members whose value is `undefined` are omitted;
 * - no insignificant whitespace;
 * - strings: JSON.stringify escaping (`\"`, `\\`, `\b \f \n \r \t`, other controls as `\u00xx`
 *   lowercase), every other character literal; lone surrogates are rejected;
 * - numbers: finite only, ECMAScript shortest round-trip form (`1`, `0.5`, `1e+21`; -0 is `0`);
 * - `true`, `false`, `null`;
 * - anything else (undefined in an array or at the top level, NaN, Infinity, bigint, functions,
 *   symbols, Dates, Buffers, class instances, cycles) throws `CanonicalJsonError`.
 *
 * The result is encoded as UTF-8 without a BOM.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };

export class CanonicalJsonError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = 'CanonicalJsonError';
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_DEPTH = 64;

function str(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) throw new CanonicalJsonError(`${path}: string contains a lone surrogate`);
  return JSON.stringify(s);
}

function write(value: unknown, path: string, depth: number): string {
  if (depth > MAX_DEPTH) throw new CanonicalJsonError(`${path}: nested deeper than ${MAX_DEPTH} levels`);
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return str(value, path);
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`${path}: non-finite number`);
      return JSON.stringify(value); // ES Number::toString, which is what RFC 8785 §3.2.2.3 uses
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(`${path}: ${typeof value} is not JSON`);
  }
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === undefined) throw new CanonicalJsonError(`${path}[${i}]: undefined in an array`);
      parts.push(write(item, `${path}[${i}]`, depth + 1));
    }
    return `[${parts.join(',')}]`;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new CanonicalJsonError(`${path}: only plain objects are JSON (got ${describe(value)})`);
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    parts.push(`${str(k, path)}:${write(v, `${path}.${k}`, depth + 1)}`);
  }
  return `{${parts.join(',')}}`;
}

function describe(v: object): string {
  const ctor = (v as { constructor?: { name?: string } }).constructor;
  return ctor?.name ?? 'object';
}

/** The canonical JSON text of `value` (see module comment). */
export function canonicalJson(value: unknown): string {
  return write(value, '$', 0);
}

/** The canonical JSON of `value` as UTF-8 bytes. */
export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
