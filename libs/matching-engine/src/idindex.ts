/**
 * External id ↔ internal record number, without a JS Map of millions of
 * strings: ids are stored as UTF-8 in a TextHeap, looked up through an
 * open-addressing Int32 hash table keyed by a 32-bit hash and verified
 * against the stored bytes. Each id's hash is kept, so that growing the table
 * never decodes the ids again (at 1.5M ids that took over a second inside one
 * upsert) and a probe decodes an id only when the hashes agree.
 */
import { IntVec, TextHeap, hash32 } from './util';
import { ChunkReader, ChunkWriter } from './snapshot';

const EMPTY = -1;
const DELETED = -2;

export class IdIndex {
  private readonly text = new TextHeap();
  /** internal number → text offset of its id */
  private readonly offsets = new IntVec(1024);
  /** internal number → hash32 of its id */
  private readonly hashes = new IntVec(1024);
  private slots = new Int32Array(1 << 12).fill(EMPTY);
  private mask = (1 << 12) - 1;
  private used = 0; // occupied + deleted slots
  private live = 0;

  /** register the id of internal number n (n must be the next number) */
  add(id: string, n: number): void {
    if (n !== this.offsets.length) throw new Error('IdIndex.add: internal numbers must be sequential');
    this.offsets.push(this.text.add(id));
    const h = hash32(id);
    this.hashes.push(h);
    if ((this.used + 1) * 10 > this.slots.length * 7) this.rehash();
    let i = (Math.imul(h, 0x9e3779b1) >>> 0) & this.mask;
    while (this.slots[i] >= 0) i = (i + 1) & this.mask;
    if (this.slots[i] === EMPTY) this.used++;
    this.slots[i] = n;
    this.live++;
  }

  private find(id: string): number {
    const h = hash32(id);
    let i = (Math.imul(h, 0x9e3779b1) >>> 0) & this.mask;
    for (;;) {
      const v = this.slots[i];
      if (v === EMPTY) return -1;
      if (v >= 0 && this.hashes.data[v] === h && this.text.get(this.offsets.data[v]) === id) return i;
      i = (i + 1) & this.mask;
    }
  }

  get(id: string): number | undefined {
    const s = this.find(id);
    return s < 0 ? undefined : this.slots[s];
  }

  has(id: string): boolean {
    return this.find(id) >= 0;
  }

  delete(id: string): void {
    const s = this.find(id);
    if (s >= 0) {
      this.slots[s] = DELETED;
      this.live--;
    }
  }

  /** the id of internal number n (also for removed records) */
  idOf(n: number): string {
    return this.text.get(this.offsets.data[n]) ?? '';
  }

  get size(): number {
    return this.live;
  }

  get byteLength(): number {
    return this.slots.byteLength + this.offsets.byteLength + this.hashes.byteLength + this.text.byteLength;
  }

  dump(w: ChunkWriter): void {
    // ids and their offsets are only ever appended: shared, not copied
    w.bytes('ids.text', this.text.appendOnlyView());
    w.ints('ids.offsets', this.offsets.appendOnlyView());
    w.ints('ids.hashes', this.hashes.appendOnlyView());
    w.ints('ids.slots', this.slots.slice());
    w.json('ids.meta', { mask: this.mask, used: this.used, live: this.live });
  }
  load(r: ChunkReader): void {
    this.text.load(r.bytes('ids.text'));
    this.offsets.load(r.ints('ids.offsets'));
    if (r.has('ids.hashes')) this.hashes.load(r.ints('ids.hashes'));
    else {
      // a snapshot from before the hashes were kept: compute them once
      this.hashes.length = 0;
      for (let n = 0; n < this.offsets.length; n++) this.hashes.push(hash32(this.idOf(n)));
    }
    if (this.hashes.length !== this.offsets.length) throw new Error('IdIndex.load: inconsistent snapshot');
    this.slots = r.ints('ids.slots');
    const m = r.json<{ mask: number; used: number; live: number }>('ids.meta');
    if (m.mask !== this.slots.length - 1) throw new Error('IdIndex.load: inconsistent snapshot');
    this.mask = m.mask;
    this.used = m.used;
    this.live = m.live;
  }

  private rehash(): void {
    const old = this.slots;
    let cap = old.length;
    while ((this.live + 1) * 10 > cap * 5) cap *= 2; // ≤ 50 % load after a rehash (tombstones dropped)
    this.slots = new Int32Array(cap).fill(EMPTY);
    this.mask = cap - 1;
    this.used = 0;
    for (const v of old) {
      if (v < 0) continue;
      let i = (Math.imul(this.hashes.data[v], 0x9e3779b1) >>> 0) & this.mask;
      while (this.slots[i] >= 0) i = (i + 1) & this.mask;
      this.slots[i] = v;
      this.used++;
    }
  }
}
