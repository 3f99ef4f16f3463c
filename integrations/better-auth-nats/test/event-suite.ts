import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { createNatsPublisher, type NatsPublisher } from "../src/index.js";
import {
  createAuth,
  createTempDatabase,
  EventCollector,
  memoryLogger,
  migrate,
  NATS_URL,
  randomToken,
  signIn,
  signUp,
  type Auth,
  type SchemaVariant,
  type TempDatabase,
} from "./support.js";

/** The whole scenario against real Better Auth, PostgreSQL and NATS, for one schema mapping. */
export function eventSuite(variant: SchemaVariant): void {
  describe(`events with the ${variant} schema`, () => {
    let db: TempDatabase;
    let pool: pg.Pool;
    let publisher: NatsPublisher;
    let auth: Auth;
    let events: EventCollector;
    const logger = memoryLogger();
    const prefix = `bant${randomToken(4)}.`;

    let owner: Awaited<ReturnType<typeof signUp>>;
    let bob: Awaited<ReturnType<typeof signUp>>;
    let carol: Awaited<ReturnType<typeof signUp>>;
    let adminHeaders: Headers;
    let orgId: string;
    let bobMemberId: string;

    before(async () => {
      db = await createTempDatabase();
      pool = new pg.Pool({ connectionString: db.url, max: 5 });
      pool.on("error", () => {}); // idle clients cut off by DROP DATABASE ... WITH (FORCE)
      publisher = await createNatsPublisher({ servers: NATS_URL, subjectPrefix: prefix, logger });
      assert.ok(publisher.isConnected());
      auth = createAuth({ pool, publisher, variant });
      await migrate(auth);
      events = await EventCollector.start(prefix);

      // a platform admin, created server-side (no event: creation is not a role change)
      const adminEmail = `root-${randomToken(3)}@example.test`;
      await events.expect(
        () => auth.api.createUser({ body: { email: adminEmail, password: "root-password-1", name: "Root", role: "admin" } }),
        [],
      );
      adminHeaders = await signIn(auth, adminEmail, "root-password-1");
      owner = await signUp(auth, "owner");
      bob = await signUp(auth, "bob");
      carol = await signUp(auth, "carol");
    });

    after(async () => {
      await events?.stop();
      await publisher?.close();
      await pool?.end();
      await db?.drop();
      assert.deepEqual(logger.errors, [], "the publisher logged no error");
    });

    if (variant === "plural-snake") {
      it("really uses plural tables and snake_case columns", async () => {
        const { rows } = await pool.query<{ table_name: string; column_name: string }>(
          `select table_name, column_name from information_schema.columns
            where table_schema = 'public' and table_name in ('users', 'members', 'organizations')`,
        );
        const cols = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
        for (const c of ["users.ban_expires", "users.role", "members.user_id", "members.organization_id", "organizations.slug"]) {
          assert.ok(cols.has(c), `${c} exists`);
        }
      });
    }

    it("createOrganization publishes member.added for the creator (owner)", async () => {
      const org = await events.expect(
        () =>
          auth.api.createOrganization({
            body: { name: "Acme", slug: `acme-${randomToken(3)}` },
            headers: owner.headers,
          }),
        (o) => [{ subject: "member.added", fields: { userId: owner.user.id, organizationId: o!.id, role: "owner" } }],
      );
      orgId = org!.id;
    });

    it("addMember publishes member.added", async () => {
      const member = await events.expect(
        () => auth.api.addMember({ body: { userId: bob.user.id, organizationId: orgId, role: "staff" } }),
        () => [{ subject: "member.added", fields: { userId: bob.user.id, organizationId: orgId, role: "staff" } }],
      );
      bobMemberId = member!.id;
    });

    it("updateMemberRole publishes member.role.changed with the previous role", async () => {
      await events.expect(
        () =>
          auth.api.updateMemberRole({
            body: { memberId: bobMemberId, role: "viewer", organizationId: orgId },
            headers: owner.headers,
          }),
        [
          {
            subject: "member.role.changed",
            fields: { userId: bob.user.id, organizationId: orgId, role: "viewer", previousRole: "staff" },
          },
        ],
      );
    });

    it("several member roles are published comma-separated", async () => {
      await events.expect(
        () =>
          auth.api.updateMemberRole({
            body: { memberId: bobMemberId, role: ["staff", "viewer"], organizationId: orgId },
            headers: owner.headers,
          }),
        [
          {
            subject: "member.role.changed",
            fields: { userId: bob.user.id, organizationId: orgId, role: "staff,viewer", previousRole: "viewer" },
          },
        ],
      );
    });

    it("removeMember publishes member.removed", async () => {
      await events.expect(
        () => auth.api.removeMember({ body: { memberIdOrEmail: bob.email, organizationId: orgId }, headers: owner.headers }),
        [{ subject: "member.removed", fields: { userId: bob.user.id, organizationId: orgId } }],
      );
    });

    it("accepting an invitation publishes member.added", async () => {
      const invitation = await events.expect(
        () =>
          auth.api.createInvitation({
            body: { email: carol.email, role: "viewer", organizationId: orgId },
            headers: owner.headers,
          }),
        [],
      );
      await events.expect(
        () => auth.api.acceptInvitation({ body: { invitationId: invitation!.id }, headers: carol.headers }),
        [{ subject: "member.added", fields: { userId: carol.user.id, organizationId: orgId, role: "viewer" } }],
      );
    });

    it("leaving an organization publishes member.removed", async () => {
      await events.expect(
        () => auth.api.leaveOrganization({ body: { organizationId: orgId }, headers: carol.headers }),
        [{ subject: "member.removed", fields: { userId: carol.user.id, organizationId: orgId } }],
      );
    });

    it("a failed change publishes nothing", async () => {
      await events.expect(
        () =>
          assert.rejects(
            auth.api.updateMemberRole({
              body: { memberId: "no-such-member", role: "viewer", organizationId: orgId },
              headers: owner.headers,
            }),
          ),
        [],
      );
      await events.expect(
        () => assert.rejects(auth.api.setRole({ body: { userId: bob.user.id, role: "admin" }, headers: bob.headers })),
        [],
      );
    });

    it("deleteOrganization publishes organization.deleted", async () => {
      await events.expect(
        () => auth.api.deleteOrganization({ body: { organizationId: orgId }, headers: owner.headers }),
        [{ subject: "organization.deleted", fields: { organizationId: orgId } }],
      );
    });

    it("admin setRole publishes user.role.changed with the previous role", async () => {
      await events.expect(
        () => auth.api.setRole({ body: { userId: bob.user.id, role: "admin" }, headers: adminHeaders }),
        [{ subject: "user.role.changed", fields: { userId: bob.user.id, role: "admin", previousRole: "user" } }],
      );
      await events.expect(
        () => auth.api.setRole({ body: { userId: bob.user.id, role: ["admin", "user"] }, headers: adminHeaders }),
        [{ subject: "user.role.changed", fields: { userId: bob.user.id, role: "admin,user", previousRole: "admin" } }],
      );
      // same role again: nothing changed, nothing published
      await events.expect(
        () => auth.api.setRole({ body: { userId: bob.user.id, role: ["admin", "user"] }, headers: adminHeaders }),
        [],
      );
    });

    it("admin banUser publishes user.banned with banExpires in epoch ms", async () => {
      const res = await events.expect(
        () => auth.api.banUser({ body: { userId: bob.user.id, banReason: "spam", banExpiresIn: 3600 }, headers: adminHeaders }),
        (r) => [
          {
            subject: "user.banned",
            fields: { userId: bob.user.id, banExpires: new Date(r.user.banExpires as unknown as string).getTime() },
          },
        ],
      );
      const expires = new Date(res.user.banExpires as unknown as string).getTime();
      assert.ok(Math.abs(expires - (Date.now() + 3600_000)) < 60_000);
      // the ban changes to a permanent one
      await events.expect(
        () => auth.api.banUser({ body: { userId: bob.user.id }, headers: adminHeaders }),
        [{ subject: "user.banned", fields: { userId: bob.user.id, banExpires: null } }],
      );
    });

    it("admin unbanUser publishes user.unbanned", async () => {
      await events.expect(
        () => auth.api.unbanUser({ body: { userId: bob.user.id }, headers: adminHeaders }),
        [{ subject: "user.unbanned", fields: { userId: bob.user.id } }],
      );
    });

    it("admin updateUser changing role and ban publishes both events", async () => {
      await events.expect(
        () =>
          auth.api.adminUpdateUser({
            body: { userId: carol.user.id, data: { role: "superadmin", banned: true } },
            headers: adminHeaders,
          }),
        [
          { subject: "user.role.changed", fields: { userId: carol.user.id, role: "superadmin", previousRole: "user" } },
          { subject: "user.banned", fields: { userId: carol.user.id, banExpires: null } },
        ],
      );
      await events.expect(
        () => auth.api.unbanUser({ body: { userId: carol.user.id }, headers: adminHeaders }),
        [{ subject: "user.unbanned", fields: { userId: carol.user.id } }],
      );
    });

    it("an expired ban lifted by the admin plugin at sign-in publishes user.unbanned", async () => {
      const dave = await signUp(auth, "dave");
      await events.expect(
        () => auth.api.banUser({ body: { userId: dave.user.id, banExpiresIn: 1 }, headers: adminHeaders }),
        (r) => [
          {
            subject: "user.banned",
            fields: { userId: dave.user.id, banExpires: new Date(r.user.banExpires as unknown as string).getTime() },
          },
        ],
      );
      await sleep(1100);
      await events.expect(
        () => signIn(auth, dave.email, dave.password),
        [{ subject: "user.unbanned", fields: { userId: dave.user.id } }],
      );
    });

    it("deleting a user publishes member.removed for each of its memberships", async () => {
      const erin = await signUp(auth, "erin");
      const orgs: string[] = [];
      for (const name of ["One", "Two"]) {
        const org = await events.expect(
          () => auth.api.createOrganization({ body: { name, slug: `${name.toLowerCase()}-${randomToken(3)}` }, headers: owner.headers }),
          (o) => [{ subject: "member.added", fields: { userId: owner.user.id, organizationId: o!.id, role: "owner" } }],
        );
        orgs.push(org!.id);
        await events.expect(
          () => auth.api.addMember({ body: { userId: erin.user.id, organizationId: org!.id, role: "staff" } }),
          [{ subject: "member.added", fields: { userId: erin.user.id, organizationId: org!.id, role: "staff" } }],
        );
      }
      await events.expect(
        () => auth.api.removeUser({ body: { userId: erin.user.id }, headers: adminHeaders }),
        [
          { subject: "user.deleted", fields: { userId: erin.user.id } },
          ...orgs.map((organizationId) => ({ subject: "member.removed", fields: { userId: erin.user.id, organizationId } })),
        ],
      );
    });

    it("admin removeUser publishes exactly one user.deleted", async () => {
      const fay = await signUp(auth, "fay");
      await events.expect(
        () => auth.api.removeUser({ body: { userId: fay.user.id }, headers: adminHeaders }),
        [{ subject: "user.deleted", fields: { userId: fay.user.id } }],
        400,
      );
      const { rows } = await pool.query(`select count(*)::int as n from ${variant === "plural-snake" ? "users" : `"user"`} where id = $1`, [fay.user.id]);
      assert.equal(rows[0]!.n, 0, "the user is gone");
      // removing the same user again fails and publishes nothing
      await events.expect(
        () => assert.rejects(auth.api.removeUser({ body: { userId: fay.user.id }, headers: adminHeaders })),
        [],
      );
    });

    it("a deleted platform admin publishes user.deleted", async () => {
      const email = `admin2-${randomToken(3)}@example.test`;
      const created = await events.expect(
        () => auth.api.createUser({ body: { email, password: "admin2-password-1", name: "Admin 2", role: "admin" } }),
        [],
      );
      await events.expect(
        () => auth.api.removeUser({ body: { userId: created.user.id }, headers: adminHeaders }),
        [{ subject: "user.deleted", fields: { userId: created.user.id } }],
      );
    });

    it("a user deleting their own account (deleteUser) publishes user.deleted and member.removed", async () => {
      const gus = await signUp(auth, "gus");
      const org = await events.expect(
        () => auth.api.createOrganization({ body: { name: "Gus", slug: `gus-${randomToken(3)}` }, headers: gus.headers }),
        (o) => [{ subject: "member.added", fields: { userId: gus.user.id, organizationId: o!.id, role: "owner" } }],
      );
      await events.expect(
        () => auth.api.deleteUser({ body: { password: gus.password }, headers: gus.headers }),
        [
          { subject: "user.deleted", fields: { userId: gus.user.id } },
          { subject: "member.removed", fields: { userId: gus.user.id, organizationId: org!.id } },
        ],
      );
    });
  });
}
