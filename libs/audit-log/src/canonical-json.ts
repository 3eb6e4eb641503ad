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

const SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
const MAX_DEPTH = 64;

/** Error raised deep in a value; `path` is where. */
class PathError extends CanonicalJsonError {
  constructor(readonly reason: string) {
    super(reason);
  }
}

// Path of the value being written (pushed/popped around each member, left as-is when throwing).
let path: string[] = [];

function str(s: string): string {
  if (SURROGATE.test(s) && LONE_SURROGATE.test(s)) throw new PathError('string contains a lone surrogate');
  // Same output as JSON.stringify, which is only needed when something must be escaped.
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

function write(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new PathError(`nested deeper than ${MAX_DEPTH} levels`);
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return str(value);
    case 'number':
      if (!Number.isFinite(value)) throw new PathError('non-finite number');
      return JSON.stringify(value); // ES Number::toString, which is what RFC 8785 §3.2.2.3 uses
    case 'object':
      break;
    default:
      throw new PathError(`${typeof value} is not JSON`);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      path.push(`[${i}]`);
      if (item === undefined) throw new PathError('undefined in an array');
      out += (i > 0 ? ',' : '') + write(item, depth + 1);
      path.pop();
    }
    return `${out}]`;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new PathError(`only plain objects are JSON (got ${describe(value)})`);
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    path.push(`.${k}`);
    out += `${out.length > 1 ? ',' : ''}${str(k)}:${write(v, depth + 1)}`;
    path.pop();
  }
  return `${out}}`;
}

function describe(v: object): string {
  const ctor = (v as { constructor?: { name?: string } }).constructor;
  return ctor?.name ?? 'object';
}

/** The canonical JSON text of `value` (see module comment). */
export function canonicalJson(value: unknown): string {
  path = [];
  try {
    return write(value, 0);
  } catch (e) {
    if (e instanceof PathError) throw new CanonicalJsonError(`$${path.join('')}: ${e.reason}`);
    throw e;
  }
}

/** The canonical JSON of `value` as UTF-8 bytes. */
export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
