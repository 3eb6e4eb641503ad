/**
 * Name-variant table: folded token → variant groups. Built once (lazily) from
 * the curated table, the Wikidata-derived cross-script groups and the place
 * exonym table; deployments can pass extra groups.
 */
import { NAME_VARIANT_GROUPS, PLACE_VARIANT_GROUPS } from '../data/name-variants';
import { DERIVED_VARIANT_GROUPS } from '../data/derived-variants';
import { tokeniseName } from './names';
import { fold } from './normalise';

export type VariantSource = 'curated' | 'wikidata' | 'place' | 'custom';

export interface VariantGroupInfo {
  label: string;
  source: VariantSource;
}

const EMPTY: readonly number[] = Object.freeze([]);

export class VariantTable {
  private readonly byFold = new Map<string, number[]>();
  /** fold + '\u0000' + group → true when the member is a diminutive in that group */
  private readonly diminutive = new Set<string>();
  readonly groups: VariantGroupInfo[] = [];

  constructor(sources: Array<{ groups: readonly string[]; source: VariantSource }>) {
    for (const { groups, source } of sources) for (const g of groups) this.addGroup(g, source);
  }

  addGroup(spec: string, source: VariantSource): void {
    const parts = spec.split('|').map((p) => p.trim()).filter(Boolean);
    if (parts.length === 0) return;
    const id = this.groups.length;
    this.groups.push({ label: parts[0].replace(/^~/, ''), source });
    for (let p of parts) {
      const dim = p.startsWith('~');
      if (dim) p = p.slice(1);
      const toks = tokeniseName(p).tokens;
      if (toks.length !== 1) continue;
      const folds = [fold(toks[0].norm)];
      if (toks[0].alt) folds.push(fold(toks[0].alt));
      for (const f of folds) {
        if (!f) continue;
        let list = this.byFold.get(f);
        if (!list) this.byFold.set(f, (list = []));
        if (!list.includes(id)) list.push(id);
        if (dim) this.diminutive.add(f + '\u0000' + id);
      }
    }
  }

  groupsOf(folded: string): readonly number[] {
    return this.byFold.get(folded) ?? EMPTY;
  }

  knows(folded: string): boolean {
    return this.byFold.has(folded);
  }

  isDiminutive(folded: string, group: number): boolean {
    return this.diminutive.has(folded + '\u0000' + group);
  }

  label(group: number): string {
    return this.groups[group]?.label ?? '?';
  }

  get size(): number {
    return this.groups.length;
  }
}

let defaultTable: VariantTable | null = null;

/** The shipped table (curated + Wikidata-derived + places), built on first use. */
export function defaultVariantTable(): VariantTable {
  if (!defaultTable) {
    defaultTable = new VariantTable([
      { groups: NAME_VARIANT_GROUPS, source: 'curated' },
      { groups: PLACE_VARIANT_GROUPS, source: 'place' },
      { groups: DERIVED_VARIANT_GROUPS, source: 'wikidata' },
    ]);
  }
  return defaultTable;
}
