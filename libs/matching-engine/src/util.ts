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
