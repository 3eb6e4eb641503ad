import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import type { EngineSnapshot } from '@kinlink/matching-engine';

/**
 * The file a snapshot of the candidate index lives in, sealed: it holds children's names, so it is
 * never written in clear. Layout: magic (8 bytes) | header length (uint32 LE) | header (JSON,
 * clear, names no one: key reference, versions, high-water mark, chunk names and sizes) |
 * AES-256-GCM ciphertext of the chunks, back to back | 16-byte tag. The header is associated
 * data, so neither it nor the ciphertext can be altered or swapped without failing authentication.
 */
export interface SealedSnapshotHeader {
  /** the snapshot key's id in the key vault (a key of its own, not a subject's) */
  keySubject: string;
  keyId: string;
  iv: string;
  /** database time when the high-water mark was read */
  createdAt: string;
  /** every candidate row with change_seq ≤ hwm is reflected in the snapshot */
  hwm: string;
  /** which table the mark belongs to (database, table oid): a recreated table restarts its sequence */
  source: string;
  formatVersion: number;
  modelVersion: string;
  chunks: Array<{ name: string; byteLength: number }>;
}

const MAGIC = Buffer.from('KLSNAP01', 'latin1');
/** plaintext per cipher call: the event loop gets a turn between slices */
const SLICE = 8 << 20;

/** Why a snapshot file was not used (the caller logs it and loads from the table). */
export class SnapshotUnusable extends Error {
  constructor(readonly reason: 'missing' | 'malformed' | 'key-gone' | 'authentication-failed', message: string) {
    super(message);
  }
}

const aad = (header: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  return Buffer.concat([MAGIC, len, header]);
};

const EMPTY = new Uint8Array(0);

/**
 * Writes the snapshot sealed under `dek` to `file` atomically (a temporary file, fsync, rename).
 * Consumes the snapshot: each chunk is released once written.
 * `stillWanted` is asked before the rename: false (an erasure came in) leaves no file behind.
 */
export async function writeSealedSnapshot(
  file: string, snapshot: EngineSnapshot, meta: Pick<SealedSnapshotHeader, 'keySubject' | 'keyId' | 'createdAt' | 'hwm' | 'source'>, dek: Buffer,
  stillWanted: () => boolean = () => true,
): Promise<{ bytes: number; written: boolean }> {
  const iv = randomBytes(12);
  const header: SealedSnapshotHeader = {
    ...meta, iv: iv.toString('base64'), formatVersion: snapshot.formatVersion, modelVersion: snapshot.modelVersion,
    chunks: snapshot.chunks.map((c) => ({ name: c.name, byteLength: c.data.byteLength })),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = aad(headerBytes);
  const cipher = createCipheriv('aes-256-gcm', dek, iv, { authTagLength: 16 });
  cipher.setAAD(prefix);
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  let bytes = prefix.length;
  try {
    await fh.write(prefix);
    for (const c of snapshot.chunks) {
      for (let o = 0; o < c.data.byteLength; o += SLICE) {
        const out = cipher.update(c.data.subarray(o, Math.min(o + SLICE, c.data.byteLength)));
        await fh.write(out);
        bytes += out.length;
      }
      c.data = EMPTY; // written: its memory may go now (the copy is as large as the index)
    }
    const last = Buffer.concat([cipher.final(), cipher.getAuthTag()]);
    await fh.write(last);
    bytes += last.length;
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  if (!stillWanted()) {
    await rm(tmp, { force: true });
    return { bytes, written: false };
  }
  await rename(tmp, file);
  return { bytes, written: true };
}

/** The header alone (which key, which versions), without decrypting anything. */
export async function readSnapshotHeader(file: string): Promise<SealedSnapshotHeader> {
  const fh = await openSnapshot(file);
  try {
    return (await readPrefix(fh)).header;
  } finally {
    await fh.close();
  }
}

async function openSnapshot(file: string): Promise<Awaited<ReturnType<typeof open>>> {
  try {
    return await open(file, 'r');
  } catch {
    throw new SnapshotUnusable('missing', `no snapshot at ${file}`);
  }
}

async function readPrefix(fh: Awaited<ReturnType<typeof open>>): Promise<{ header: SealedSnapshotHeader; prefix: Buffer }> {
  const head = Buffer.alloc(12);
  const { bytesRead } = await fh.read(head, 0, 12, 0);
  if (bytesRead < 12 || !head.subarray(0, 8).equals(MAGIC)) throw new SnapshotUnusable('malformed', 'not a sealed snapshot file');
  const len = head.readUInt32LE(8);
  if (len > 1 << 24) throw new SnapshotUnusable('malformed', 'snapshot header too large');
  const headerBytes = Buffer.alloc(len);
  const r = await fh.read(headerBytes, 0, len, 12);
  if (r.bytesRead < len) throw new SnapshotUnusable('malformed', 'snapshot header truncated');
  try {
    const header = JSON.parse(headerBytes.toString('utf8')) as SealedSnapshotHeader;
    if (!Array.isArray(header.chunks) || typeof header.keySubject !== 'string' || typeof header.hwm !== 'string') throw new Error('fields');
    return { header, prefix: aad(headerBytes) };
  } catch {
    throw new SnapshotUnusable('malformed', 'snapshot header unreadable');
  }
}

/**
 * Opens a sealed snapshot. `keyOf` returns the data key named in the header, or undefined when it
 * is gone (destroyed on an erasure). Nothing decrypted is returned unless the tag authenticates.
 */
export async function readSealedSnapshot(
  file: string, keyOf: (header: SealedSnapshotHeader) => Promise<Buffer | undefined>,
): Promise<{ header: SealedSnapshotHeader; snapshot: EngineSnapshot; bytes: number }> {
  const fh = await openSnapshot(file);
  try {
    const { header, prefix } = await readPrefix(fh);
    const dek = await keyOf(header);
    if (!dek) throw new SnapshotUnusable('key-gone', `the snapshot's key ${header.keySubject} is gone (shredded)`);
    const size = (await fh.stat()).size;
    const total = header.chunks.reduce((a, c) => a + c.byteLength, 0);
    if (size !== prefix.length + total + 16) throw new SnapshotUnusable('malformed', `snapshot file is ${size} bytes, expected ${prefix.length + total + 16}`);
    const decipher = createDecipheriv('aes-256-gcm', dek, Buffer.from(header.iv, 'base64'), { authTagLength: 16 });
    decipher.setAAD(prefix);
    // each chunk in a buffer of its own (own ArrayBuffer: aligned, freed chunk by chunk later)
    const chunks = header.chunks.map((c) => ({ name: c.name, data: Buffer.allocUnsafeSlow(c.byteLength) }));
    let ci = 0, co = 0;
    const put = (plain: Buffer) => {
      let p = 0;
      while (p < plain.length) {
        while (ci < chunks.length && co === chunks[ci].data.length) { ci++; co = 0; }
        const d = chunks[ci].data;
        const n = Math.min(plain.length - p, d.length - co);
        plain.copy(d, co, p, p + n);
        p += n;
        co += n;
      }
    };
    const buf = Buffer.allocUnsafe(SLICE);
    let pos = prefix.length;
    const end = prefix.length + total;
    while (pos < end) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(SLICE, end - pos), pos);
      if (bytesRead === 0) throw new SnapshotUnusable('malformed', 'snapshot file truncated');
      put(decipher.update(buf.subarray(0, bytesRead)));
      pos += bytesRead;
    }
    const tag = Buffer.alloc(16);
    await fh.read(tag, 0, 16, end);
    decipher.setAuthTag(tag);
    try {
      decipher.final();
    } catch {
      throw new SnapshotUnusable('authentication-failed', 'snapshot does not authenticate (altered, truncated or another key)');
    }
    return { header, snapshot: { formatVersion: header.formatVersion, modelVersion: header.modelVersion, chunks }, bytes: size };
  } finally {
    await fh.close();
  }
}
