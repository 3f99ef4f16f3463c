import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { connect } from "nats";
import { createNatsPublisher, type NatsPublisher } from "../src/index.js";
import {
  createAuth,
  createTempDatabase,
  memoryLogger,
  migrate,
  NATS_URL,
  randomToken,
  signIn,
  signUp,
  type Auth,
  type TempDatabase,
} from "./support.js";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = Date.now();
  const r = await fn();
  return [r, Date.now() - t];
}

/** Runs every kind of change through Better Auth; every call must succeed, and quickly. */
async function runAllChanges(auth: Auth, maxMsPerCall: number) {
  const calls: [string, number][] = [];
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const [r, ms] = await timed(fn);
    calls.push([name, ms]);
    assert.ok(ms < maxMsPerCall, `${name} took ${ms} ms`);
    return r;
  };
  const adminEmail = `root-${randomToken(3)}@example.test`;
  await auth.api.createUser({ body: { email: adminEmail, password: "root-password-1", name: "Root", role: "admin" } });
  const adminHeaders = await signIn(auth, adminEmail, "root-password-1");
  const owner = await signUp(auth, "owner");
  const bob = await signUp(auth, "bob");

  const org = await step("createOrganization", () =>
    auth.api.createOrganization({ body: { name: "Acme", slug: `acme-${randomToken(4)}` }, headers: owner.headers }),
  );
  const member = await step("addMember", () =>
    auth.api.addMember({ body: { userId: bob.user.id, organizationId: org!.id, role: "staff" } }),
  );
  const updated = await step("updateMemberRole", () =>
    auth.api.updateMemberRole({ body: { memberId: member!.id, role: "viewer", organizationId: org!.id }, headers: owner.headers }),
  );
  assert.equal(updated.role, "viewer");
  await step("removeMember", () =>
    auth.api.removeMember({ body: { memberIdOrEmail: member!.id, organizationId: org!.id }, headers: owner.headers }),
  );
  const roleRes = await step("setRole", () => auth.api.setRole({ body: { userId: bob.user.id, role: "admin" }, headers: adminHeaders }));
  assert.equal(roleRes.user.role, "admin");
  const banRes = await step("banUser", () => auth.api.banUser({ body: { userId: bob.user.id }, headers: adminHeaders }));
  assert.equal(banRes.user.banned, true);
  const unbanRes = await step("unbanUser", () => auth.api.unbanUser({ body: { userId: bob.user.id }, headers: adminHeaders }));
  assert.equal(unbanRes.user.banned, false);
  await step("deleteOrganization", () => auth.api.deleteOrganization({ body: { organizationId: org!.id }, headers: owner.headers }));
  await step("removeUser", () => auth.api.removeUser({ body: { userId: bob.user.id }, headers: adminHeaders }));
  return calls;
}

const ALL_SUBJECTS = [
  "member.added", // owner on createOrganization
  "member.added",
  "member.role.changed",
  "member.removed",
  "user.role.changed",
  "user.banned",
  "user.unbanned",
  "organization.deleted",
  "user.deleted", // bob, no membership left
];

describe("a NATS outage never fails a Better Auth call", () => {
  let db: TempDatabase;
  let pool: pg.Pool;

  before(async () => {
    db = await createTempDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 5 });
    pool.on("error", () => {}); // idle clients cut off by DROP DATABASE ... WITH (FORCE)
    const dummy = await createNatsPublisher({ connection: undefined, servers: "nats://127.0.0.1:1", retryDelayMs: 3_600_000, logger: memoryLogger() });
    await dummy.close();
    await migrate(createAuth({ pool, publisher: dummy, variant: "better-auth-default" }));
  });

  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  it("publisher pointing at a closed port", async () => {
    const port = await freePort();
    const logger = memoryLogger();
    const [publisher, ms] = await timed(() =>
      createNatsPublisher({ servers: `nats://127.0.0.1:${port}`, subjectPrefix: "outage", retryDelayMs: 200, logger }),
    );
    try {
      assert.ok(ms < 5000, `createNatsPublisher returned in ${ms} ms`);
      assert.equal(publisher.isConnected(), false);
      assert.match(logger.errors[0] ?? "", /cannot connect to NATS/);
      await runAllChanges(createAuth({ pool, publisher, variant: "better-auth-default" }), 2000);
      const failed = logger.errors.filter((e) => e.startsWith("failed to publish"));
      assert.deepEqual(
        failed.map((e) => e.split(" ")[3]),
        ALL_SUBJECTS.map((s) => `outage.${s}`),
      );
      assert.equal(publisher.stats().failed, ALL_SUBJECTS.length);
      assert.equal(publisher.stats().published, 0);
    } finally {
      await publisher.close();
    }
  });

  it("publisher whose connection was closed", async () => {
    const nc = await connect({ servers: NATS_URL });
    const logger = memoryLogger();
    const publisher = await createNatsPublisher({ connection: nc, logger });
    assert.equal(publisher.isConnected(), true);
    await nc.close();
    assert.equal(publisher.isConnected(), false);
    await runAllChanges(createAuth({ pool, publisher, variant: "better-auth-default" }), 2000);
    assert.equal(logger.errors.length, ALL_SUBJECTS.length);
    assert.ok(logger.errors.every((e) => /not connected to NATS/.test(e)));
    assert.equal(publisher.stats().failed, ALL_SUBJECTS.length);
  });

  it("publisher that was closed", async () => {
    const logger = memoryLogger();
    const publisher = await createNatsPublisher({ servers: NATS_URL, logger });
    assert.equal(publisher.isConnected(), true);
    await publisher.close();
    await runAllChanges(createAuth({ pool, publisher, variant: "better-auth-default" }), 2000);
    assert.equal(logger.errors.length, ALL_SUBJECTS.length);
    assert.ok(logger.errors.every((e) => /publisher is closed/.test(e)));
  });

  const natsServer = spawnSync("nats-server", ["--version"]).status === 0;
  it("NATS server going away while connected", { skip: natsServer ? false : "no nats-server binary on PATH" }, async () => {
    const port = await freePort();
    const server: ChildProcess = spawn("nats-server", ["-a", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
    let publisher: NatsPublisher | undefined;
    try {
      const url = `nats://127.0.0.1:${port}`;
      for (let i = 0; i < 100; i++) {
        const probe = await connect({ servers: url }).catch(() => undefined);
        if (probe) {
          await probe.close();
          break;
        }
        await sleep(50);
      }
      const logger = memoryLogger();
      publisher = await createNatsPublisher({ servers: url, flushTimeoutMs: 5000, logger });
      assert.equal(publisher.isConnected(), true);
      const auth = createAuth({ pool, publisher, variant: "better-auth-default" });
      const owner = await signUp(auth, "owner");
      await auth.api.createOrganization({ body: { name: "Before", slug: `before-${randomToken(4)}` }, headers: owner.headers });
      assert.equal(publisher.stats().published, 1);

      server.kill("SIGKILL");
      await new Promise((r) => server.once("exit", r));
      await sleep(100);
      // while the link is down no call waits for the flush timeout (5 s)
      await runAllChanges(auth, 1500);
      const stats = publisher.stats();
      assert.equal(stats.published, 1);
      assert.equal(stats.unconfirmed + stats.failed, ALL_SUBJECTS.length);
      assert.equal(logger.errors.length, ALL_SUBJECTS.length);
      assert.ok(logger.warnings.some((w) => /disconnected from NATS/.test(w)), logger.warnings.join("\n"));
    } finally {
      await publisher?.close();
      if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
    }
  });
});
