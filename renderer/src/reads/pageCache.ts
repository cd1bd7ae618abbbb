// A sparse cache of fixed-size pages for the virtualized reads table: rows are fetched in
// pages on demand as the member scrolls, so 100k matches never sit in memory or the DOM at
// once. The least recently used pages are dropped beyond `maxPages`. No React, no api: the
// store owns one instance per query and decides when to fetch.
export class PageCache<T> {
  private readonly pages = new Map<number, T[]>();
  private readonly pending = new Set<number>();

  constructor(
    readonly pageSize: number,
    readonly maxPages = 200,
  ) {
    if (!Number.isInteger(pageSize) || pageSize < 1)
      throw new RangeError('pageSize must be a positive integer');
  }

  pageOf(index: number): number {
    return Math.floor(index / this.pageSize);
  }

  /** The row at an absolute index, if its page is loaded. */
  get(index: number): T | undefined {
    if (index < 0) return undefined;
    const page = this.pages.get(this.pageOf(index));
    return page?.[index % this.pageSize];
  }

  hasPage(page: number): boolean {
    return this.pages.has(page);
  }

  isPending(page: number): boolean {
    return this.pending.has(page);
  }

  /**
   * Pages that cover rows [start, end] (inclusive) and are neither loaded nor in flight.
   * With `total` known, pages past the end are never asked for.
   */
  missing(start: number, end: number, total: number | null): number[] {
    const lo = Math.max(0, start);
    const hi = total === null ? Math.max(lo, end) : Math.min(end, total - 1);
    if (hi < lo) return [];
    const out: number[] = [];
    for (let p = this.pageOf(lo); p <= this.pageOf(hi); p++) {
      if (this.pages.has(p)) this.touch(p);
      else if (!this.pending.has(p)) out.push(p);
    }
    return out;
  }

  markPending(page: number): void {
    this.pending.add(page);
  }

  /** Stores a fetched page and evicts the least recently used beyond the cap. */
  put(page: number, rows: T[]): void {
    this.pending.delete(page);
    this.pages.delete(page);
    this.pages.set(page, rows);
    while (this.pages.size > this.maxPages) {
      const oldest = this.pages.keys().next().value;
      if (oldest === undefined || oldest === page) break;
      this.pages.delete(oldest);
    }
  }

  /** A fetch failed: the page may be asked for again. */
  fail(page: number): void {
    this.pending.delete(page);
  }

  get loadedPages(): number {
    return this.pages.size;
  }

  get loadedRows(): number {
    let n = 0;
    for (const rows of this.pages.values()) n += rows.length;
    return n;
  }

  /** Map iteration order is insertion order, so re-inserting marks a page as recently used. */
  private touch(page: number): void {
    const rows = this.pages.get(page);
    if (!rows) return;
    this.pages.delete(page);
    this.pages.set(page, rows);
  }
}
