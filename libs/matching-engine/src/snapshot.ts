/**
 * The engine's index as binary chunks (its typed arrays as they are, string tables as JSON), so a
 * service can persist it and rebuild an engine without re-preparing every record: a restore is
 * memory copies and hash-map rebuilds of the dictionaries, not normalisation of millions of names.
 * Pure: no I/O, no crypto — persisting (and sealing) the chunks is the caller's job.
 */

/** Bumped whenever the layout of any chunk or of the record encoding (prepare.ts) changes. */
export const SNAPSHOT_FORMAT_VERSION = 1;

export interface SnapshotChunk {
  name: string;
  data: Uint8Array;
}

export interface EngineSnapshot {
  formatVersion: number;
  modelVersion: string;
  chunks: SnapshotChunk[];
}

/** A snapshot of another format or model version: the caller rebuilds the index from its records instead. */
export class SnapshotVersionError extends Error {
  readonly code = 'snapshot_version';
  constructor(what: 'format' | 'model' | 'options', found: string | number, expected: string | number) {
    super(`engine snapshot ${what} version ${found} does not match ${expected}`);
  }
}

/** A snapshot with a missing or malformed chunk. */
export class SnapshotCorruptError extends Error {
  readonly code = 'snapshot_corrupt';
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Collects chunks. The caller passes copies, or views of memory that will not change (append-only prefixes). */
export class ChunkWriter {
  readonly chunks: SnapshotChunk[] = [];
  /** an Int32Array copy, or a view of an append-only prefix */
  ints(name: string, a: Int32Array): void {
    this.chunks.push({ name, data: new Uint8Array(a.buffer, a.byteOffset, a.byteLength) });
  }
  bytes(name: string, a: Uint8Array): void {
    this.chunks.push({ name, data: a });
  }
  json(name: string, v: unknown): void {
    this.chunks.push({ name, data: enc.encode(JSON.stringify(v)) });
  }
}

export class ChunkReader {
  private readonly byName = new Map<string, Uint8Array>();
  /** `adopt`: the chunks' memory becomes the engine's where it is aligned (the caller gives the snapshot up) */
  constructor(chunks: readonly SnapshotChunk[], private readonly adopt = false) {
    for (const c of chunks) this.byName.set(c.name, c.data);
  }
  private get(name: string): Uint8Array {
    const d = this.byName.get(name);
    if (!d) throw new SnapshotCorruptError(`engine snapshot: chunk ${name} missing`);
    return d;
  }
  /** whether the snapshot has the chunk (a chunk added since an older snapshot was written) */
  has(name: string): boolean {
    return this.byName.has(name);
  }
  /** the chunk as an Int32Array (a copy unless adopted) */
  ints(name: string): Int32Array<ArrayBuffer> {
    const d = this.get(name);
    if (d.byteLength % 4 !== 0) throw new SnapshotCorruptError(`engine snapshot: chunk ${name} is not Int32 data`);
    if (this.adopt && d.byteOffset % 4 === 0 && d.buffer instanceof ArrayBuffer) return new Int32Array(d.buffer, d.byteOffset, d.byteLength / 4);
    const out = new Int32Array(d.byteLength / 4);
    new Uint8Array(out.buffer).set(d);
    return out;
  }
  bytes(name: string): Uint8Array {
    return this.get(name);
  }
  json<T>(name: string): T {
    try {
      return JSON.parse(dec.decode(this.get(name))) as T;
    } catch (e) {
      if (e instanceof SnapshotCorruptError) throw e;
      throw new SnapshotCorruptError(`engine snapshot: chunk ${name} is not valid JSON`);
    }
  }
}
