// Helpers for ../scripts/demo.sh (PGHOST/PGPORT/PGUSER/PGPASSWORD as for psql):
//
//   node demo-support.mjs reset-db <database>               drop (if present) and create the database
//   node demo-support.mjs indexes <database>                run ../config/indexes.sql in it (plural-snake names)
//   node demo-support.mjs routes <file> <downstream-url>    write a demo routes.yml
//   node demo-support.mjs curls <fixtures.json> <gateway-url>   print ready-to-paste curl commands with real tokens
import { readFile, writeFile } from "node:fs/promises";
import pg from "pg";
import { createDatabase, dropDatabase, pgSettings } from "./scratch-db.mjs";

const [command, ...args] = process.argv.slice(2);

async function indexes(database) {
  const sql = await readFile(new URL("../config/indexes.sql", import.meta.url), "utf8");
  const client = new pg.Client({ ...pgSettings, database });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function routes(downstream) {
  return `# Demo routes for scripts/demo.sh: every route goes to the echo service, which shows what it received.
hierarchy: [owner, admin, staff, viewer]
cross-tenant-roles: [admin, superadmin]
routes:
  - id: orders
    uri: ${downstream}
    path: /api/orgs/{orgId}/orders/**
    rules:
      GET: { min-role: viewer }
      POST: { roles: [owner, admin, staff] }
      DELETE: { min-role: admin }
  - id: billing
    uri: ${downstream}
    path: /api/orgs/{orgId}/billing/**
    cross-tenant: true
    rules:
      "*": { min-role: owner, platform-roles: [admin, superadmin] }   # cross-tenant lifts only the tenant check
  - id: admin
    uri: ${downstream}
    path: /api/admin/**
    rules:
      "*": { platform-roles: [admin, superadmin] }
  - id: me
    uri: ${downstream}
    path: /api/me
    rules:
      GET: { authenticated: true }
  - id: status
    uri: ${downstream}
    path: /api/status
    rules:
      GET: { public: true }
`;
}

async function curls(fixturesFile, gateway) {
  const fx = JSON.parse(await readFile(fixturesFile, "utf8"));
  const { acme, globex } = fx.organizations;
  const u = fx.users;
  const curl = (token, method, path) =>
    `curl -i${method === "GET" ? "" : ` -X ${method}`} -H 'Authorization: Bearer ${token}' ${gateway}${path}`;
  const lines = [
    "",
    `Better Auth: ${fx.baseUrl} (users <name>@interop.test, password ${fx.password}); organizations acme=${acme}, globex=${globex}`,
    `Tokens below expire 15 minutes after they were issued; re-run the demo for new ones.`,
    "",
    "# 1. allowed: vic (acme viewer) reads acme's orders -> 200; the echo shows X-User-Id, X-Organization-Id, X-Org-Role, X-Platform-Role",
    curl(u.vic.token, "GET", `/api/orgs/${acme}/orders/42`),
    "",
    "# 2. tenant mismatch: vic's acme token on globex -> 403 tenant_mismatch",
    curl(u.vic.token, "GET", `/api/orgs/${globex}/orders/42`),
    "",
    "# 3. role denial: vic (viewer) deletes an acme order (needs admin) -> 403 role_insufficient",
    curl(u.vic.token, "DELETE", `/api/orgs/${acme}/orders/42`),
    "",
    "# more: ada (acme admin) may delete; pat (platform admin) uses the admin route; no token -> 401 token_missing",
    curl(u.ada.token, "DELETE", `/api/orgs/${acme}/orders/42`),
    curl(u.pat.token, "GET", "/api/admin/users"),
    `curl -i ${gateway}/api/orgs/${acme}/orders/42`,
    "",
  ];
  console.log(lines.join("\n"));
}

switch (command) {
  case "reset-db":
    await dropDatabase(args[0]);
    await createDatabase(args[0]);
    break;
  case "indexes":
    await indexes(args[0]);
    break;
  case "routes":
    await writeFile(args[0], routes(args[1]));
    break;
  case "curls":
    await curls(args[0], args[1]);
    break;
  default:
    console.error("usage: node demo-support.mjs reset-db|indexes|routes|curls ...");
    process.exit(2);
}
