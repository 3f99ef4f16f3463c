// Prints the benchmark tables and the targets of issue 6 from the BENCH-RESULT lines of one run.
//   node bench/tools/report.mjs <results file>
// Ratios compare rows of the same run only: plain SCG and the Spring Security baseline were measured minutes apart
// on the same machine, with the same downstream, tokens and wrk settings.
import { readFileSync } from 'node:fs';

const rows = new Map();
const tiers = new Map();
const cpu = new Map();
const counts = new Map();
const reconnects = new Map();
for (const line of readFileSync(process.argv[2], 'utf8').split('\n')) {
  const match = line.match(/^BENCH-(RESULT|TIERS|CPU|COUNTS|RECONNECT) (.*)$/);
  if (match) {
    const fields = Object.fromEntries(match[2].trim().split(/\s+/).map((pair) => pair.split('=')));
    ({ RESULT: rows, TIERS: tiers, CPU: cpu, COUNTS: counts, RECONNECT: reconnects })[match[1]].set(fields.label, fields);
  }
}
// CPU time of the server's processes (the gateway JVM; nginx for "direct") per request of the measured run.
const cpuPerRequest = (label) => {
  const c = cpu.get(label);
  const r = rows.get(label);
  return c && r ? Math.round((Number(c.ticks) / Number(c.hz)) * 1e6 / Number(r.requests)) : NaN;
};
// Context switches of the server's threads, and commands processed by Redis, per request of the measured run: counts
// that do not depend on how fast the machine is at the time (runs before 2026-12-01 have none: "n/a").
const perRequest = (label, field) => {
  const c = counts.get(label);
  const r = rows.get(label);
  return c && r ? (Number(c[field]) / Number(r.requests)).toFixed(2) : 'n/a';
};

const ms = (us) => (Number(us) / 1000).toFixed(2);
const ratio = (a, b) => (a && b ? `${(Number(a.rps) / Number(b.rps)).toFixed(2)}×` : 'n/a');
const delta = (a, b, field = 'p99') => (a && b ? (Number(a[field]) - Number(b[field])) / 1000 : NaN);
const plain = rows.get('plain-scg');
const security = rows.get('spring-security');

const LOAD = [
  ['direct', 'direct to the downstream (nginx)'],
  ['plain-scg', 'plain Spring Cloud Gateway, no authorization'],
  ['spring-security', 'Spring Security resource server + tenant check, RS256'],
  ['tg-warm-rs256', 'tenantgate, warm, RS256'],
  ['tg-warm-eddsa', 'tenantgate, warm, EdDSA'],
  ['tg-warm-eddsa-pre-start', 'tenantgate, warm, EdDSA, tokens issued before it started'],
  ['tg-mix-20pct-denied', 'tenantgate, warm EdDSA, 20% denied (403)'],
  ['tg-redis-tier', 'tenantgate, Redis tier (in-process cache off)'],
  ['tg-postgres-tier', 'tenantgate, PostgreSQL tier (every request a new user and member)'],
  ['tg-nats-reconnect', 'tenantgate, warm, EdDSA, through a NATS reconnect'],
];
// A run of the route-count scenario alone (bench/run.sh routes) has none of these rows: no table then.
const mainRows = LOAD.some(([label]) => rows.has(label));
if (mainRows) {
  console.log('| scenario | requests/s | p50 ms | p99 ms | p99.9 ms | × plain SCG | × Spring Security | p99 − plain SCG p99 | server CPU µs/request | context switches/request | Redis commands/request | non-2xx |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
}
for (const [label, title] of LOAD) {
  const r = rows.get(label);
  if (!r) {
    continue;
  }
  console.log(`| ${title} | ${Math.round(r.rps)} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.p999)} | ${ratio(r, plain)} | `
    + `${ratio(r, security)} | ${delta(r, plain).toFixed(2)} ms | ${cpuPerRequest(label)} | `
    + `${perRequest(label, 'context_switches')} | ${perRequest(label, 'redis_commands')} | ${r.non2xx} |`);
}

if (tiers.size) {
  console.log('');
  console.log('Where tenantgate\'s role answers came from during each measured run (its tenantgate_role_lookups_total');
  console.log('counters; a role taken from a trusted token claim is not a lookup and is not counted), and the in-process');
  console.log('values read again in the background (tenantgate_role_refreshes_total; no request waited for them):');
  console.log('');
  console.log('| scenario | requests | user: in-process / Redis / PostgreSQL | membership: in-process / Redis / PostgreSQL | failed | refreshed in the background: Redis / PostgreSQL |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [label, t] of tiers) {
    const n = (key) => Number(t[key] ?? 0);
    const kind = (k) => `${n(`${k}/local`)} / ${n(`${k}/redis`)} / ${n(`${k}/postgres`)}`;
    const refreshed = (tier) => n(`user/refresh-${tier}`) + n(`membership/refresh-${tier}`);
    console.log(`| ${label} | ${rows.get(label)?.requests ?? '?'} | ${kind('user')} | ${kind('membership')} | `
      + `${n('user/failed') + n('membership/failed')} | ${refreshed('redis')} / ${refreshed('postgres')} |`);
  }
}

// The NATS reconnect row: what the gateway read from PostgreSQL during the measured run (answers and background
// refreshes from the postgres tier, its own counters) against the distinct keys in use (a user and a membership per
// warm user), and how long it took the gateway to see NATS go and come back.
for (const [label, r] of reconnects) {
  const t = tiers.get(label) ?? {};
  const n = (key) => Number(t[key] ?? 0);
  const reads = ['user', 'membership'].reduce((sum, k) => sum + n(`${k}/postgres`) + n(`${k}/refresh-postgres`), 0);
  const result = rows.get(label);
  console.log('');
  console.log(`NATS reconnect under load (${label}): tenantgate's NATS connection cut ${r.cut_after} s into the measured `
    + `run for ${r.cut} s (the gateway saw it down after ${r.down_after_ms} ms, up again ${r.up_after_restore_ms} ms `
    + `after the restore): ${result ? Math.round(result.rps) : '?'} requests/s, ${result?.non2xx ?? '?'} non-2xx of `
    + `${result?.requests ?? '?'}; PostgreSQL reads ${reads} for ${r.keys} distinct keys in use, `
    + `${(reads / Number(r.keys)).toFixed(2)} per key; failed lookups ${n('user/failed') + n('membership/failed')}.`);
}

const LATENCY = [
  ['plain-scg', 'plain Spring Cloud Gateway'],
  ['tg-warm-eddsa', 'tenantgate, warm, EdDSA'],
  ['tg-redis-tier', 'tenantgate, Redis tier'],
  ['tg-postgres-tier', 'tenantgate, PostgreSQL tier'],
];
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return (sorted.length % 2) ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
// The latency rounds of one mode (c1, paced): label prefixes c1r1-, c1r2-, ... Results files written before the
// rounds (2026-12-01 and earlier) hold one pass, labelled c1-... and paced-...: read as a single round.
const latencyRounds = (mode) => {
  const prefixes = rows.has(`${mode}-plain-scg`) ? [`${mode}-`] : [];
  for (let n = 1; rows.has(`${mode}r${n}-plain-scg`); n++) {
    prefixes.push(`${mode}r${n}-`);
  }
  return prefixes;
};
// A row's latency added to plain SCG's in each round where both ran, and the median over those rounds.
const added = (mode, label, field = 'p99') => {
  const perRound = latencyRounds(mode)
    .filter((prefix) => rows.has(`${prefix}${label}`))
    .map((prefix) => delta(rows.get(`${prefix}${label}`), rows.get(`${prefix}plain-scg`), field));
  return { perRound, median: perRound.length ? median(perRound) : NaN };
};
const list = (values, digits = 2) => values.map((v) => v.toFixed(digits)).join(' / ');
const latencyTable = (mode, caption) => {
  const prefixes = latencyRounds(mode);
  if (!prefixes.length) {
    return;
  }
  console.log('');
  console.log((prefixes.length > 1)
    ? `${caption} ${prefixes.length} rounds, the order of the rows reversed every round; the figures of each round are `
      + 'separated by "/", and each difference is taken within its round.'
    : `${caption} one round.`);
  console.log('');
  console.log('| scenario | requests/s | p50 ms | p99 ms | p99.9 ms | p99 − plain SCG p99 | median p50 − plain SCG | median p99 − plain SCG |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [label, title] of LATENCY) {
    const runs = prefixes.map((prefix) => rows.get(`${prefix}${label}`)).filter(Boolean);
    if (runs.length) {
      const p99 = added(mode, label);
      console.log(`| ${title} | ${runs.map((r) => Math.round(r.rps)).join(' / ')} | `
        + `${list(runs.map((r) => Number(r.p50) / 1000))} | ${list(runs.map((r) => Number(r.p99) / 1000))} | `
        + `${list(runs.map((r) => Number(r.p999) / 1000))} | ${list(p99.perRound)} ms | `
        + `${added(mode, label, 'p50').median.toFixed(2)} ms | ${p99.median.toFixed(2)} ms |`);
    }
  }
};
latencyTable('c1', 'One connection (-t1 -c1), no queueing: the latency each tier adds to one request;');
latencyTable('paced', 'Paced (-t2 -c16, each connection pausing 20 ms after every response), the same moderate load on every row;');
// The alternating rounds: each round measures plain SCG, the floor (plain SCG with the least an authorizing filter
// does; results before 2026-12-01's fifth session have none) and tenantgate one after the other, the order reversed
// every round; the median of the per-round ratios holds up when the machine's speed drifts during the run.
const rounds = [];
for (let n = 1; rows.has(`round${n}-plain-scg`) && rows.has(`round${n}-tg-warm-eddsa`); n++) {
  const p = rows.get(`round${n}-plain-scg`);
  const t = rows.get(`round${n}-tg-warm-eddsa`);
  const f = rows.get(`round${n}-floor-scg`);
  const pCpu = cpuPerRequest(`round${n}-plain-scg`);
  const tCpu = cpuPerRequest(`round${n}-tg-warm-eddsa`);
  const fCpu = f ? cpuPerRequest(`round${n}-floor-scg`) : NaN;
  rounds.push({ n, p, t, f, pCpu, tCpu, fCpu, x: Number(t.rps) / Number(p.rps),
    fx: f ? Number(f.rps) / Number(p.rps) : NaN });
}
const withFloor = rounds.length > 0 && rounds.every((r) => r.f);
if (rounds.length) {
  console.log('');
  console.log(withFloor
    ? 'Alternating rounds (-t2 -c32, plain SCG, the floor and tenantgate warm EdDSA in turns, the order reversed every '
      + 'round; the floor is plain SCG with the least an authorizing filter does, bench/plain-scg\'s FloorAuthorizationFilter):'
    : 'Alternating rounds (-t2 -c32, plain SCG and tenantgate warm EdDSA in turns, the order swapped every round):');
  console.log('');
  const floorHead = withFloor ? ' floor requests/s | floor CPU µs/request | floor × plain SCG | floor CPU × plain SCG |' : '';
  console.log(`| round | first | plain SCG requests/s | plain SCG CPU µs/request |${floorHead} tenantgate requests/s | tenantgate CPU µs/request | × plain SCG | CPU × plain SCG |`);
  console.log(`|---:|---|---:|---:|${withFloor ? '---:|---:|---:|---:|' : ''}---:|---:|---:|---:|`);
  for (const r of rounds) {
    const floor = withFloor
      ? ` ${Math.round(r.f.rps)} | ${r.fCpu} | ${r.fx.toFixed(2)}× | ${(r.fCpu / r.pCpu).toFixed(2)}× |` : '';
    console.log(`| ${r.n} | ${(r.n % 2) ? 'plain SCG' : 'tenantgate'} | ${Math.round(r.p.rps)} | ${r.pCpu} |${floor} `
      + `${Math.round(r.t.rps)} | ${r.tCpu} | ${r.x.toFixed(2)}× | ${(r.tCpu / r.pCpu).toFixed(2)}× |`);
  }
  const floorMedian = withFloor
    ? ['', '', `${median(rounds.map((r) => r.fx)).toFixed(2)}×`, `${median(rounds.map((r) => r.fCpu / r.pCpu)).toFixed(2)}×`]
    : [];
  const cells = ['median', '', '', '', ...floorMedian, '', '', `${median(rounds.map((r) => r.x)).toFixed(2)}×`,
    `${median(rounds.map((r) => r.tCpu / r.pCpu)).toFixed(2)}×`];
  console.log(`| ${cells.join(' | ')} |`);
}

// The route-count rounds (bench/run.sh routes, issue 27), labelled routes-r<round>-<instance>: the same matched route
// first in routes.yml, behind 100 and behind 1,000 routes that never match (and behind 1,000 with the route index
// off). Each instance's ratio to the route-first one is taken within its round, then the median over the rounds.
const ROUTE_INSTANCES = [
  ['routes0', 'the matched route first'],
  ['routes100', 'behind 100 routes'],
  ['routes1000', 'behind 1,000 routes'],
  ['routes1000-scan', 'behind 1,000 routes, index off (Spring Cloud Gateway\'s look-up)'],
];
const routeRounds = [];
for (let n = 1; rows.has(`routes-r${n}-routes0`); n++) {
  routeRounds.push(n);
}
const routeRatios = (name) => routeRounds.filter((n) => rows.has(`routes-r${n}-${name}`))
  .map((n) => Number(rows.get(`routes-r${n}-${name}`).rps) / Number(rows.get(`routes-r${n}-routes0`).rps));
if (routeRounds.length) {
  console.log('');
  console.log(`Route count (-t2 -c32, warm RS256 requests to the same route; ${routeRounds.length} rounds, the order of `
    + 'the instances reversed every round; the figures of each round are separated by "/", and each ratio is taken '
    + 'within its round):');
  console.log('');
  console.log('| tenantgate | requests/s | × first | median × first | server CPU µs/request | median CPU × first |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, title] of ROUTE_INSTANCES) {
    const present = routeRounds.filter((n) => rows.has(`routes-r${n}-${name}`));
    if (!present.length) {
      continue;
    }
    const rps = present.map((n) => Math.round(Number(rows.get(`routes-r${n}-${name}`).rps)));
    const cpus = present.map((n) => cpuPerRequest(`routes-r${n}-${name}`));
    const cpuRatios = present.map((n) => cpuPerRequest(`routes-r${n}-${name}`) / cpuPerRequest(`routes-r${n}-routes0`));
    const ratios = routeRatios(name);
    console.log(`| ${title} | ${rps.join(' / ')} | ${ratios.map((x) => x.toFixed(2)).join(' / ')} | `
      + `${median(ratios).toFixed(2)}× | ${cpus.join(' / ')} | ${median(cpuRatios).toFixed(2)}× |`);
  }
}

console.log('');
if (mainRows || rounds.length) {
  console.log('Targets (issue 6):');
}
const check = (name, value, limit, unit, ok) => console.log(`- ${ok ? 'MET ' : 'MISSED'} ${name}: ${value} (target ${limit}${unit})`);
for (const label of ['tg-warm-eddsa', 'tg-warm-rs256']) {
  const r = rows.get(label);
  if (r && plain) {
    const x = Number(r.rps) / Number(plain.rps);
    check(`${label} throughput vs plain SCG`, `${x.toFixed(2)}×`, '≥ 0.95', '×', x >= 0.95);
    const d = delta(r, plain);
    check(`${label} p99 vs plain SCG p99 (-c32, both saturated)`, `${d >= 0 ? '+' : ''}${d.toFixed(2)} ms`, '≤ +1', ' ms', d <= 1);
  }
}
if (rounds.length) {
  const x = median(rounds.map((r) => r.x));
  check(`tg-warm-eddsa throughput vs plain SCG (median of ${rounds.length} alternating rounds)`, `${x.toFixed(2)}×`,
    '≥ 0.95', '×', x >= 0.95);
  if (withFloor) {
    console.log(`  (the floor, the least an authorizing filter does, in the same rounds: `
      + `${median(rounds.map((r) => r.fx)).toFixed(2)}× plain SCG)`);
  }
}
const signed = (d) => `${d >= 0 ? '+' : ''}${d.toFixed(2)} ms`;
const rounded = (mode) => {
  const n = latencyRounds(mode).length;
  return n > 1 ? `, median of ${n} rounds` : '';
};
for (const [mode, name] of [['c1', 'one connection'], ['paced', 'paced']]) {
  const d = added(mode, 'tg-warm-eddsa').median;
  if (!Number.isNaN(d)) {
    check(`tg-warm-eddsa p99 vs plain SCG p99 (${name}${rounded(mode)})`, signed(d), '≤ +1', ' ms', d <= 1);
  }
}
if (routeRounds.length) {
  console.log('Targets (issue 27):');
  const far = routeRatios('routes1000');
  if (far.length) {
    const x = median(far);
    check(`behind 1,000 routes vs the matched route first (median of ${far.length} alternating rounds)`,
      `${x.toFixed(2)}×`, '≥ 0.95', '×', x >= 0.95);
  }
  const near = routeRatios('routes100');
  if (near.length) {
    const x = median(near);
    check(`behind 100 routes vs the matched route first (median of ${near.length} alternating rounds; rounds `
      + `${Math.min(...near).toFixed(2)}–${Math.max(...near).toFixed(2)})`, `${x.toFixed(2)}×`, '≥ 0.95', '×', x >= 0.95);
  }
  const scan = routeRatios('routes1000-scan');
  if (scan.length) {
    console.log(`  (behind 1,000 routes with the index off, Spring Cloud Gateway's look-up, in the same rounds: `
      + `${median(scan).toFixed(2)}× the matched route first)`);
  }
  // What the rounds can resolve: how far the route-first instance's own figures moved from round to round.
  const own = routeRounds.map((n) => Number(rows.get(`routes-r${n}-routes0`).rps));
  const ownCpu = routeRounds.map((n) => cpuPerRequest(`routes-r${n}-routes0`));
  console.log(`  what these rounds can resolve: the route-first instance alone measured `
    + `${Math.round(Math.min(...own)).toLocaleString('en-US')}–${Math.round(Math.max(...own)).toLocaleString('en-US')} `
    + `requests/s and ${Math.min(...ownCpu)}–${Math.max(...ownCpu)} µs of CPU per request over the rounds`);
}
const rs = rows.get('tg-warm-rs256');
if (rs && security) {
  const x = Number(rs.rps) / Number(security.rps);
  check('tenantgate RS256 throughput vs Spring Security', `${x.toFixed(2)}×`, '≥ 1.3', '×', x >= 1.3);
}
for (const [label, limit] of [['tg-postgres-tier', 5], ['tg-redis-tier', 2]]) {
  for (const [mode, name] of [['c1', 'one connection'], ['paced', 'paced']]) {
    const d = added(mode, label).median;
    if (!Number.isNaN(d)) {
      check(`${label} p99 added latency (${name}${rounded(mode)}, vs plain SCG)`, signed(d), '≤ ', `${limit} ms`,
        d <= limit);
    }
  }
  const r = rows.get(label);
  if (r && plain) {
    const d = delta(r, plain);
    check(`${label} p99 added latency under load (-c32, vs plain SCG)`, `${d >= 0 ? '+' : ''}${d.toFixed(2)} ms`, '≤ ', `${limit} ms`, d <= limit);
  }
}
// What the latency checks above can resolve on this machine: the spread of plain SCG's own p99 between rounds, and
// nginx's speed, next to what a quiet machine measured (docs/benchmarks.md, the fifth session of 2026-12-01).
const spread = (values) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)} ms`;
const resolution = [];
for (const [mode, name, quiet] of [['c1', 'at one connection', '1.19–1.77 ms'], ['paced', 'paced', '0.83–1.75 ms']]) {
  const own = latencyRounds(mode).map((prefix) => Number(rows.get(`${prefix}plain-scg`).p99) / 1000);
  if (own.length) {
    resolution.push(`${name} ${spread(own)} (a quiet machine: ${quiet})`);
  }
}
const direct = rows.get('direct');
if (resolution.length && direct) {
  resolution.push(`nginx direct ${Math.round(Number(direct.rps)).toLocaleString('en-US')} requests/s `
    + '(a quiet machine: 93,900–95,600)');
}
if (resolution.length) {
  console.log(`  what the latency checks can resolve on this machine: plain SCG's own p99 ${resolution.join('; ')}`);
}
for (const [label, r] of rows) {
  const deniedExpected = label.includes('mix');
  const share = Number(r.non2xx) / Number(r.requests);
  if ((!deniedExpected && Number(r.non2xx) > 0) || (deniedExpected && Math.abs(share - 0.2) > 0.02)
      || Number(r.socket_errors) > 0 || (label.includes('postgres') && Number(r.wrapped) > 0)) {
    console.log(`- WARNING ${label}: ${r.non2xx} non-2xx of ${r.requests}, ${r.socket_errors} socket errors, `
      + `${r.wrapped} passes past the end of its request file`);
  }
}
