// Offline map tiles from an MBTiles file (SQLite, TMS row order), shared by the host route and
// the Electron tile protocol. Opened read-only; a missing tile is simply absent.
import Database from 'better-sqlite3';
import type { Database as DB } from 'better-sqlite3';

export class MbTiles {
  private readonly db: DB;
  private readonly stmt;
  readonly format: string;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    this.stmt = this.db.prepare('SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?');
    const f = this.db.prepare("SELECT value FROM metadata WHERE name = 'format'").get() as { value: string } | undefined;
    this.format = f?.value ?? 'png';
  }

  get contentType(): string {
    return this.format === 'jpg' || this.format === 'jpeg' ? 'image/jpeg' : this.format === 'pbf' ? 'application/x-protobuf' : `image/${this.format}`;
  }

  /** z/x/y in the XYZ scheme Leaflet uses; MBTiles stores rows flipped (TMS). */
  tile(z: number, x: number, y: number): Buffer | null {
    if (![z, x, y].every(Number.isInteger) || z < 0 || z > 24 || x < 0 || y < 0 || x >= 2 ** z || y >= 2 ** z) return null;
    const row = this.stmt.get(z, x, 2 ** z - 1 - y) as { tile_data: Buffer } | undefined;
    return row?.tile_data ?? null;
  }

  close(): void {
    this.db.close();
  }
}
