import type { NatsPublisher } from "./publisher.js";

/** The parts of Better Auth's member row the events need. */
export interface MemberLike {
  userId: string;
  organizationId: string;
  role: string;
}

export interface OrganizationLike {
  id: string;
}

/**
 * The `organizationHooks` of Better Auth's organization plugin that publish
 * events. Names and arguments are the ones of better-auth 1.7:
 * - `afterAddMember({ member, user, organization })`: `addMember`, and the
 *   creator's membership in `createOrganization`
 * - `afterAcceptInvitation({ invitation, member, user, organization })`:
 *   accepting an invitation (it does not call `afterAddMember`)
 * - `afterUpdateMemberRole({ member, previousRole, user, organization })`
 * - `afterRemoveMember({ member, user, organization })`: `removeMember` only;
 *   `/organization/leave` calls no organization hook (see `natsUserEvents`)
 * - `afterDeleteOrganization({ organization, user }, ctx)`
 * All of them run after the write has completed (no surrounding transaction).
 */
export interface NatsOrganizationHooks {
  afterAddMember: (data: { member: MemberLike }) => Promise<void>;
  afterAcceptInvitation: (data: { member: MemberLike }) => Promise<void>;
  afterUpdateMemberRole: (data: { member: MemberLike; previousRole: string }) => Promise<void>;
  afterRemoveMember: (data: { member: MemberLike }) => Promise<void>;
  afterDeleteOrganization: (data: { organization: OrganizationLike }, ctx?: unknown) => Promise<void>;
}

type AnyHook = (...args: any[]) => unknown;

/**
 * Returns `organizationHooks` for `organization({ organizationHooks })`.
 *
 * Pass your own hooks as `existing` to keep them: for the five hook names used
 * here yours run first, then the event is published; other hooks are kept as
 * they are.
 */
export function natsOrganizationHooks<E extends Record<string, AnyHook | undefined> = {}>(
  publisher: NatsPublisher,
  existing?: E,
): Omit<E, keyof NatsOrganizationHooks> & NatsOrganizationHooks {
  const chain = <A extends unknown[]>(name: keyof NatsOrganizationHooks, publish: (...args: A) => Promise<unknown>) =>
    async (...args: A): Promise<void> => {
      const own = existing?.[name];
      try {
        if (own) await own(...args);
      } finally {
        // the change is already committed: publish even if the caller's hook throws
        await publish(...args);
      }
    };

  const memberAdded = (data: { member: MemberLike }) =>
    publisher.publish("member.added", {
      userId: data.member.userId,
      organizationId: data.member.organizationId,
      role: data.member.role,
    });

  const hooks: NatsOrganizationHooks = {
    afterAddMember: chain("afterAddMember", memberAdded),
    afterAcceptInvitation: chain("afterAcceptInvitation", memberAdded),
    afterUpdateMemberRole: chain("afterUpdateMemberRole", (data: { member: MemberLike; previousRole: string }) =>
      publisher.publish("member.role.changed", {
        userId: data.member.userId,
        organizationId: data.member.organizationId,
        role: data.member.role,
        previousRole: data.previousRole ?? null,
      }),
    ),
    afterRemoveMember: chain("afterRemoveMember", (data: { member: MemberLike }) =>
      publisher.publish("member.removed", {
        userId: data.member.userId,
        organizationId: data.member.organizationId,
      }),
    ),
    afterDeleteOrganization: chain("afterDeleteOrganization", (data: { organization: OrganizationLike }, _ctx?: unknown) =>
      publisher.publish("organization.deleted", { organizationId: data.organization.id }),
    ),
  };
  return { ...(existing ?? {}), ...hooks } as Omit<E, keyof NatsOrganizationHooks> & NatsOrganizationHooks;
}
