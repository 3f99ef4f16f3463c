// Mints the benchmark's tokens ahead of the measured runs and writes one request file per scenario: one
// "<path> <token>" per line, read by bench/wrk/rotate.lua. Tokens are shaped like Better Auth's (header {alg, kid},
// claims iat/exp/iss/aud/sub plus the user and the platform's organizationId/orgRole/role), valid for an hour.
//   node bench/tools/mint.mjs <dir> <issuer> <audience> <warm users> <orgs> <name>=<count>...
// Each <name>=<count> is a slice of cold users, written to cold-<name>.txt; the slices follow each other, so no cold
// user appears in two files (bench/seed.sql must have seeded at least their sum).
// Run it after the gateways are up: tenantgate trusts an orgRole claim only in tokens issued after it subscribed
// to the change events. MINT_ISSUED_BEFORE_START=<epoch seconds>, a moment before the gateways started, also writes
// warm-eddsa-pre-start.txt: the warm EdDSA requests with tokens issued then, as every token is for a token lifetime
// after a restart or a rolling deploy.
import { createPrivateKey, sign } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { coldUser, org, role, warmUser } from './ids.mjs';

const [dir, issuer, audience, warm, orgCount, ...sliceArgs] = process.argv.slice(2);
const warmUsers = Number(warm);
const orgs = Number(orgCount);
const slices = sliceArgs.map((arg) => arg.split('=')).map(([name, count]) => ({ name, count: Number(count) }));
if (!dir || !Number.isInteger(warmUsers) || !Number.isInteger(orgs) || warmUsers % 4 !== 0
    || slices.some(({ name, count }) => !name || !Number.isInteger(count))) {
  throw new Error('usage: node mint.mjs <dir> <issuer> <audience> <warm users, a multiple of 4> <orgs> <name>=<count>...');
}

const keys = {
  EdDSA: { kid: 'bench-ed25519', key: createPrivateKey(readFileSync(join(dir, 'ed25519.pem'))), digest: null },
  RS256: { kid: 'bench-rsa', key: createPrivateKey(readFileSync(join(dir, 'rsa.pem'))), digest: 'sha256' },
};
const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = Math.floor(Date.now() / 1000);

function token(alg, userId, claims, issuedAt = now) {
  const { kid, key, digest } = keys[alg];
  const payload = {
    iat: issuedAt, exp: issuedAt + 3600, iss: issuer, aud: audience, sub: userId,
    id: userId, email: `${userId}@bench.test`, name: `User ${userId.slice(0, 8)}`, role: 'user', ...claims,
  };
  const input = `${b64({ alg, kid })}.${b64(payload)}`;
  return `${input}.${sign(digest, Buffer.from(input), key).toString('base64url')}`;
}

async function write(name, count, line) {
  const out = createWriteStream(join(dir, name));
  for (let i = 0; i < count; i++) {
    if (!out.write(`${line(i)}\n`)) {
      await new Promise((resolve) => out.once('drain', resolve));
    }
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
}

const warmOrg = (i) => org(i % orgs);
const orders = (orgId, i) => `/api/orgs/${orgId}/orders/${i % 100}`;

// Warm scenarios: warm user i is a member of organization i % orgs with role(i); the token carries both claims.
for (const alg of ['RS256', 'EdDSA']) {
  const tokens = Array.from({ length: warmUsers },
    (_, i) => token(alg, warmUser(i), { organizationId: warmOrg(i), orgRole: role(i) }));
  await write(`warm-${alg.toLowerCase()}.txt`, warmUsers, (i) => `${orders(warmOrg(i), i)} ${tokens[i]}`);
  if (alg === 'EdDSA') {
    // 20% denied, spread evenly over the wrk threads: every fifth line, alternately a token for another tenant
    // (403 tenant_mismatch) and a viewer on the owners-only billing route (403 role_insufficient).
    await write('mix.txt', warmUsers, (i) => {
      if (i % 5 !== 3) {
        return `${orders(warmOrg(i), i)} ${tokens[i]}`;
      }
      if (Math.floor(i / 5) % 2 === 0) {
        return `${orders(warmOrg(i + 1), i)} ${tokens[i]}`;
      }
      const viewer = i - (i % 4) + 3;
      return `/api/orgs/${warmOrg(viewer)}/billing/invoices ${tokens[viewer]}`;
    });
  }
}

const preStart = Number(process.env.MINT_ISSUED_BEFORE_START ?? '');
if (preStart) {
  await write('warm-eddsa-pre-start.txt', warmUsers, (i) => `${orders(warmOrg(i), i)} ${token('EdDSA', warmUser(i),
    { organizationId: warmOrg(i), orgRole: role(i) }, preStart)}`);
}

// The role must be looked up: no orgRole claim (the Redis-tier scenario, warm users).
await write('lookup.txt', warmUsers,
  (i) => `${orders(warmOrg(i), i)} ${token('EdDSA', warmUser(i), { organizationId: warmOrg(i) })}`);

// Cold scenarios: every line a distinct cold user and membership (cold user i is a member of organization i % orgs),
// so neither the token, the user nor the membership is in any cache.
const coldLine = (i) => `${orders(org(i % orgs), i)} ${token('EdDSA', coldUser(i), { organizationId: org(i % orgs) })}`;
let first = 0;
for (const { name, count } of slices) {
  const from = first;
  await write(`cold-${name}.txt`, count, (i) => coldLine(from + i));
  first += count;
}
