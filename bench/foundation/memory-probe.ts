// Child process of the memory benchmark: opens a store as the app does and runs what the reads
// page and map run (a page of the newest reads, a filtered count, all map points of a day).
import { openStore } from '../../electron/core/store/db';
import { mapPoints, searchReads } from '../../electron/core/reads/query';

const mb = (n: number) => Math.round(n / 1048576);
const dir = process.argv[2]!;
const rssBefore = process.memoryUsage().rss;
const store = openStore(dir);
const reads = (store.db.prepare('SELECT count(*) AS n FROM reads').get() as { n: number }).n;
const rssOpen = process.memoryUsage().rss;
let t = performance.now();
const page = searchReads(store.db, {}, { field: 'timestamp', dir: 'desc' }, 0, 500);
const pageMs = performance.now() - t;
t = performance.now();
const day = mapPoints(store.db, { from: '2021-10-03T00:00:00Z', to: '2021-10-04T00:00:00Z' }, 500_000);
const mapMs = performance.now() - t;
const all = mapPoints(store.db, {}, 2_000_000);
store.close();
console.log(
  JSON.stringify({
    reads,
    rss_idle_mb: mb(rssBefore),
    rss_store_open_mb: mb(rssOpen),
    rss_after_queries_mb: mb(process.memoryUsage().rss),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    first_page_ms: Math.round(pageMs),
    first_page_total: page.total,
    map_day_points: day.points.length,
    map_day_ms: Math.round(mapMs),
    map_all_points: all.points.length,
  }),
);
