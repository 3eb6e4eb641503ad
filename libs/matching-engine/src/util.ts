/** Small compact containers used by the index (no dependencies). */

export class IntVec {
  data: Int32Array;
  length = 0;
  constructor(capacity = 16) {
    this.data = new Int32Array(Math.max(4, capacity));
  }
  private grow(min: number): void {
    let cap = this.data.length;
    while (cap < min) cap = cap < 1 << 20 ? cap * 2 : Math.ceil(cap * 1.5);
    const next = new Int32Array(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  push(v: number): number {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length] = v;
    return this.length++;
  }
  /** push `src[from..to)` */
  append(src: Int32Array, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    if (this.length + n > this.data.length) this.grow(this.length + n);
    this.data.set(src.subarray(from, to), this.length);
    this.length += n;
  }
  /** drop the capacity back to `capacity` when empty-ish (after a compaction) */
  shrink(capacity: number): void {
    if (this.length === 0 && this.data.length > capacity) this.data = new Int32Array(Math.max(4, capacity));
  }
  /** make index i addressable (fills with `fill`) */
  ensure(n: number, fill = 0): void {
    if (n > this.data.length) this.grow(n);
    if (n > this.length) {
      this.data.fill(fill, this.length, n);
      this.length = n;
    }
  }
  get(i: number): number {
    return this.data[i];
  }
  set(i: number, v: number): void {
    this.data[i] = v;
  }
  get byteLength(): number {
    return this.data.byteLength;
  }
  /** a copy of the used part (snapshots) */
  copy(): Int32Array {
    return this.data.slice(0, this.length);
  }
  /**
   * The used part without copying, for an append-only vector: pushes never write below `length`
   * and growing moves to a new array, so the view stays as it is while the vector goes on.
   */
  appendOnlyView(): Int32Array {
    return this.data.subarray(0, this.length);
  }
  /** replace the contents (restoring a snapshot); takes ownership of `data` */
  load(data: Int32Array): void {
    this.data = data.length >= 4 ? data : new Int32Array(4);
    if (data.length < 4) this.data.set(data);
    this.length = data.length;
  }
}

/** Interned strings: id ↔ string. */
export class StringPool {
  private readonly index = new Map<string, number>();
  readonly values: string[] = [];
  intern(s: string): number {
    let id = this.index.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(s);
      this.index.set(s, id);
    }
    return id;
  }
  find(s: string): number {
    return this.index.get(s) ?? -1;
  }
  get(id: number): string | undefined {
    return id >= 0 ? this.values[id] : undefined;
  }
  get size(): number {
    return this.values.length;
  }
  /** re-intern `values` in order (restoring a snapshot: ids stay the same) */
  load(values: readonly string[]): void {
    for (const v of values) this.intern(v);
    if (this.values.length !== values.length) throw new Error('StringPool.load: duplicate values');
  }
}

/** 32-bit FNV-1a hash of a string, never 0 (0 marks empty slots). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h === 0 ? 1 : h | 0;
}

/**
 * Append-only UTF-8 text store: display strings (raw names, dates, places) of
 * stored records live here as bytes, not as millions of small JS strings.
 * An entry is a 1–3 byte length prefix followed by the bytes; its id is the offset.
 */
export class TextHeap {
  private buf = new Uint8Array(1 << 16);
  length = 0;
  private static readonly enc = new TextEncoder();
  private static readonly dec = new TextDecoder();

  add(s: string): number {
    const need = this.length + 3 + s.length * 3;
    if (need > this.buf.length) {
      let cap = this.buf.length;
      while (cap < need) cap = cap < 1 << 26 ? cap * 2 : Math.ceil(cap * 1.5);
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    const off = this.length;
    const { written } = TextHeap.enc.encodeInto(s, this.buf.subarray(off + 3));
    this.buf[off] = written & 255;
    this.buf[off + 1] = (written >> 8) & 255;
    this.buf[off + 2] = (written >> 16) & 255;
    // compact: move bytes down when the length fits in fewer bytes is not worth it; 3-byte prefix
    this.length = off + 3 + written;
    return off;
  }

  get(off: number): string | undefined {
    if (off < 0 || off >= this.length) return undefined;
    const n = this.buf[off] | (this.buf[off + 1] << 8) | (this.buf[off + 2] << 16);
    return TextHeap.dec.decode(this.buf.subarray(off + 3, off + 3 + n));
  }

  reset(): void {
    this.length = 0;
  }

  /** a copy of the used bytes (snapshots) */
  copy(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
  /** the used bytes without copying (append-only heaps: `add` never writes below `length`, never `reset`) */
  appendOnlyView(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
  /** replace the contents (restoring a snapshot); offsets stay valid */
  load(bytes: Uint8Array): void {
    this.buf = new Uint8Array(Math.max(1 << 16, bytes.length + (bytes.length >> 3)));
    this.buf.set(bytes);
    this.length = bytes.length;
  }

  get byteLength(): number {
    return this.buf.byteLength;
  }
}

/**
 * The k-th largest (1-based) of `values[0..n)`, exactly as a sort would find it, in O(n) expected
 * time (quickselect). Reorders `values`. The candidate cut needs only this boundary value, and a
 * full native sort of 10⁴–10⁵ vote totals per gather cost more than everything else in it.
 */
export function kthLargest(values: Float32Array, n: number, k: number): number {
  if (k < 1 || k > n) throw new RangeError(`kthLargest: k ${k} outside 1..${n}`);
  let lo = 0, hi = n - 1;
  const target = k - 1; // index in descending order
  while (hi > lo) {
    // median of three as pivot, then a three-way partition (many equal vote totals)
    const a = values[lo], b = values[(lo + hi) >>> 1], c = values[hi];
    const pivot = a > b ? (b > c ? b : a > c ? c : a) : a > c ? a : b > c ? c : b;
    let lt = lo, i = lo, gt = hi;
    while (i <= gt) {
      const v = values[i];
      if (v > pivot) { values[i] = values[lt]; values[lt] = v; lt++; i++; }
      else if (v < pivot) { values[i] = values[gt]; values[gt] = v; gt--; }
      else i++;
    }
    // [lo, lt) > pivot, [lt, gt] == pivot, (gt, hi] < pivot
    if (target < lt) hi = lt - 1;
    else if (target > gt) lo = gt + 1;
    else return pivot;
  }
  return values[lo];
}
