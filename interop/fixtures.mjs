// Creates users, organizations, memberships, platform roles and a ban through Better Auth's own API, and obtains
// real JWTs for them from the running server's /api/auth/token endpoint. Used by selftest.mjs and by
// `SEED=1 node server.mjs`.
//
// seed({ auth, baseUrl }) returns a JSON-friendly description:
//   { baseUrl, jwksUrl, issuer, audience, organizations: { acme, globex }, users: { <key>: {
//       id, email, platformRole, memberships: { acme?: role, globex?: role },
//       token,          // JWT with organizationId/orgRole of the active organization (see activeOrganization)
//       plainToken,     // JWT with the library's default payload (no organization claims)
//       tokens?,        // extra JWTs by active organization
//       note? } } }
// Role/ban changes made AFTER the tokens were issued (so the tokens are stale on purpose):
//   dan: acme staff -> viewer; rita: removed from acme; lea: left globex; bob: banned (1 hour).
export const PASSWORD = "interop-password-0123";

const org = {
  acme: { name: "Acme", slug: "acme" },
  globex: { name: "Globex", slug: "globex" },
  tempco: { name: "Temp Co", slug: "tempco" },
};

/** Who is who. memberships: organization key -> role (string or array of roles). */
const people = {
  root: { platformRole: "superadmin" }, // created with the admin plugin's createUser
  pat: { platformRole: "admin" },
  ursula: { platformRole: ["admin", "user"] }, // stored "admin,user"
  ollie: { memberships: { acme: "owner", globex: "owner" } }, // creator of both organizations
  ada: { memberships: { acme: "admin" } },
  sam: { memberships: { acme: "staff", globex: "viewer" } },
  vic: { memberships: { acme: "viewer" } },
  mia: { memberships: { acme: ["staff", "viewer"] } }, // stored "staff,viewer"
  dan: { memberships: { acme: "staff" }, note: "demoted acme staff -> viewer after his token was issued" },
  rita: { memberships: { acme: "viewer" }, note: "removed from acme after her token was issued" },
  lea: { memberships: { globex: "staff" }, note: "left globex herself after her token was issued" },
  bob: { memberships: { acme: "staff" }, note: "banned for 1 hour after his token was issued" },
  olga: { note: "no organization" },
};

const emailOf = (key) => `${key}@interop.test`;
const roleString = (r) => [].concat(r).join(",");

function cookieHeader(headers) {
  return headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

export async function signIn(auth, email) {
  const { headers, response } = await auth.api.signInEmail({ body: { email, password: PASSWORD }, returnHeaders: true });
  const cookie = cookieHeader(headers);
  return { headers: new Headers({ cookie }), cookie, sessionToken: response.token, userId: response.user.id };
}

/** GET <baseUrl><prefix>/api/auth/token with a session cookie (or bearer session token). */
export async function fetchToken(baseUrl, { cookie, bearer, prefix = "" }) {
  const headers = cookie ? { cookie } : { authorization: `Bearer ${bearer}` };
  const res = await fetch(`${baseUrl}${prefix}/api/auth/token`, { headers });
  if (!res.ok) throw new Error(`GET ${prefix}/api/auth/token: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

export async function seed({ auth, baseUrl }) {
  const api = auth.api;
  const users = {};

  // A platform superadmin, created server-side (no session needed), then everyone else signs up.
  const root = await api.createUser({
    body: { email: emailOf("root"), password: PASSWORD, name: "Root", role: "superadmin" },
  });
  users.root = { id: root.user.id };
  for (const key of Object.keys(people).filter((k) => k !== "root")) {
    const { user } = await api.signUpEmail({ body: { email: emailOf(key), password: PASSWORD, name: key } });
    users[key] = { id: user.id };
  }
  const rootSession = await signIn(auth, emailOf("root"));

  // Platform roles, set by the superadmin through the admin plugin.
  for (const [key, p] of Object.entries(people)) {
    if (key === "root" || !p.platformRole) continue;
    await api.setRole({ headers: rootSession.headers, body: { userId: users[key].id, role: p.platformRole } });
  }

  // Organizations: ollie creates them (and becomes owner); the others are added with their roles.
  const ollie = await signIn(auth, emailOf("ollie"));
  const orgIds = {};
  for (const k of ["acme", "globex"]) {
    orgIds[k] = (await api.createOrganization({ headers: ollie.headers, body: org[k] })).id;
  }
  for (const [key, p] of Object.entries(people)) {
    for (const [orgKey, role] of Object.entries(p.memberships ?? {})) {
      if (role === "owner" && key === "ollie") continue;
      await api.addMember({ body: { userId: users[key].id, organizationId: orgIds[orgKey], role } });
    }
  }

  // Tokens: one session per user, active organization = the first membership.
  const sessions = {};
  for (const [key, p] of Object.entries(people)) {
    const session = (sessions[key] = await signIn(auth, emailOf(key)));
    const orgKeys = Object.keys(p.memberships ?? {});
    const u = users[key];
    Object.assign(u, {
      email: emailOf(key),
      platformRole: roleString(p.platformRole ?? "user"),
      memberships: Object.fromEntries(orgKeys.map((k) => [k, roleString(p.memberships[k])])),
      activeOrganization: orgKeys[0] ?? null,
    });
    if (p.note) u.note = p.note;
    u.plainToken = await fetchToken(baseUrl, { cookie: session.cookie, prefix: "/noorg" });
    if (orgKeys.length === 0) {
      u.token = await fetchToken(baseUrl, { cookie: session.cookie });
      continue;
    }
    u.tokens = {};
    for (const orgKey of orgKeys.slice().reverse()) {
      await api.setActiveOrganization({ headers: session.headers, body: { organizationId: orgIds[orgKey] } });
      u.tokens[orgKey] = await fetchToken(baseUrl, { cookie: session.cookie });
    }
    u.token = u.tokens[orgKeys[0]];
    if (key === "ada") u.bearerToken = await fetchToken(baseUrl, { bearer: session.sessionToken }); // same claims
  }

  // Changes after the tokens were issued (their tokens now claim more than the database says).
  const members = await api.listMembers({ headers: ollie.headers, query: { organizationId: orgIds.acme } });
  const memberId = (key) => members.members.find((m) => m.userId === users[key].id).id;
  await api.updateMemberRole({
    headers: ollie.headers,
    body: { memberId: memberId("dan"), role: "viewer", organizationId: orgIds.acme },
  });
  users.dan.memberships.acme = "viewer";
  await api.removeMember({
    headers: ollie.headers,
    body: { memberIdOrEmail: memberId("rita"), organizationId: orgIds.acme },
  });
  delete users.rita.memberships.acme;
  await api.leaveOrganization({ headers: sessions.lea.headers, body: { organizationId: orgIds.globex } });
  delete users.lea.memberships.globex;
  await api.banUser({
    headers: rootSession.headers,
    body: { userId: users.bob.id, banReason: "interop fixture", banExpiresIn: 3600 },
  });
  users.bob.banned = true;

  // An organization that is created and deleted again (fires afterDeleteOrganization).
  const temp = await api.createOrganization({ headers: ollie.headers, body: org.tempco });
  await api.deleteOrganization({ headers: ollie.headers, body: { organizationId: temp.id } });

  return {
    baseUrl,
    jwksUrl: `${baseUrl}/api/auth/jwks`,
    issuer: baseUrl,
    audience: baseUrl,
    password: PASSWORD,
    organizations: orgIds,
    deletedOrganization: temp.id,
    users,
  };
}
