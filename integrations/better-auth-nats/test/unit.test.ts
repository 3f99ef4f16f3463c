import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  EVENT_SUBJECTS,
  natsOrganizationHooks,
  natsUserEvents,
  normalizeSubjectPrefix,
  type EventFields,
  type EventSubject,
  type NatsPublisher,
} from "../src/index.js";

function fakePublisher() {
  const sent: { subject: EventSubject; fields: unknown }[] = [];
  const publisher: NatsPublisher = {
    subjectPrefix: "",
    isConnected: () => true,
    stats: () => ({ published: sent.length, unconfirmed: 0, failed: 0 }),
    close: async () => {},
    async publish<S extends EventSubject>(subject: S, fields: EventFields[S]) {
      sent.push({ subject, fields });
      return true;
    },
  };
  return { publisher, sent };
}

describe("unit", () => {
  it("normalizes the subject prefix", () => {
    assert.equal(normalizeSubjectPrefix(undefined), "");
    assert.equal(normalizeSubjectPrefix(""), "");
    assert.equal(normalizeSubjectPrefix("prod."), "prod.");
    assert.equal(normalizeSubjectPrefix("prod"), "prod.");
  });

  it("covers exactly the eight subjects of the contract", () => {
    assert.deepEqual(Object.values(EVENT_SUBJECTS).sort(), [
      "member.added",
      "member.removed",
      "member.role.changed",
      "organization.deleted",
      "user.banned",
      "user.deleted",
      "user.role.changed",
      "user.unbanned",
    ]);
  });

  it("publishes user.deleted from the user delete database hook, even without a member table", async () => {
    const { publisher, sent } = fakePublisher();
    const plugin = natsUserEvents(publisher) as unknown as {
      init(ctx: unknown): {
        options: { databaseHooks: { user: { delete: { before(u: unknown, c: unknown): Promise<void>; after(u: unknown, c: unknown): Promise<void> } } } };
      };
    };
    const hooks = plugin.init({}).options.databaseHooks.user.delete;
    const user = { id: "u9", email: "u9@example.test" };
    await hooks.before(user, null);
    await hooks.after(user, null);
    assert.deepEqual(sent, [{ subject: "user.deleted", fields: { userId: "u9" } }]);
  });

  it("keeps the caller's organization hooks and publishes even when they throw", async () => {
    const { publisher, sent } = fakePublisher();
    const calls: string[] = [];
    const hooks = natsOrganizationHooks(publisher, {
      afterAddMember: async () => void calls.push("own afterAddMember"),
      afterRemoveMember: async () => {
        throw new Error("boom");
      },
      afterCreateOrganization: async () => void calls.push("own afterCreateOrganization"),
    });
    const member = { userId: "u1", organizationId: "o1", role: "staff" };
    await hooks.afterAddMember({ member });
    await assert.rejects(hooks.afterRemoveMember({ member }), /boom/);
    await hooks.afterCreateOrganization();
    assert.deepEqual(calls, ["own afterAddMember", "own afterCreateOrganization"]);
    assert.deepEqual(sent, [
      { subject: "member.added", fields: member },
      { subject: "member.removed", fields: { userId: "u1", organizationId: "o1" } },
    ]);
  });
});
