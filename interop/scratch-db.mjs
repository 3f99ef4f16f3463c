// Create a throw-away PostgreSQL database, hand a pg Pool on it to fn, drop it afterwards.
// Connection settings come from PGHOST/PGPORT/PGUSER/PGPASSWORD (defaults: 127.0.0.1:5432, postgres).
import pg from "pg";

/** Connection settings of the local PostgreSQL (for other clients, e.g. the gateway's R2DBC URL). */
export const pgSettings = {
  host: process.env.PGHOST ?? "127.0.0.1",
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? "postgres",
  password: process.env.PGPASSWORD,
};

const base = pgSettings;

export function scratchName(prefix) {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}`.toLowerCase();
}

export function databaseUrl(dbName) {
  const auth = base.password ? `${base.user}:${encodeURIComponent(base.password)}` : base.user;
  return `postgres://${auth}@${base.host}:${base.port}/${dbName}`;
}

async function admin(sql) {
  const client = new pg.Client({ ...base, database: "postgres" });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createDatabase(name) {
  await admin(`CREATE DATABASE "${name}"`);
}

export async function dropDatabase(name) {
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

export async function withScratchDatabase(prefix, fn, { keep = false } = {}) {
  const name = scratchName(prefix);
  await createDatabase(name);
  const pool = new pg.Pool({ ...base, database: name });
  pool.on("error", () => {}); // idle clients still closing when the database is dropped WITH (FORCE)
  try {
    return await fn(pool, name);
  } finally {
    await pool.end();
    if (!keep) await dropDatabase(name);
  }
}
