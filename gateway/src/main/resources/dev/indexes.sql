-- Indexes tenantgate's lookups rely on, for the plural-snake layout (users, members, snake_case columns).
-- Better Auth's migration does not create them. Safe to run more than once.
-- For the better-auth-default layout, replace users/members/user_id/organization_id with "user"/"member"/"userId"/"organizationId".

-- Platform role lookups and admin listings by role.
CREATE INDEX IF NOT EXISTS idx_users_role ON users (role);

-- The member-role lookup: SELECT role FROM members WHERE user_id = $1 AND organization_id = $2
CREATE INDEX IF NOT EXISTS idx_members_user_org ON members (user_id, organization_id);

-- Listing the members of an organization by role (owners of an org, etc.).
CREATE INDEX IF NOT EXISTS idx_members_organization_id_role ON members (organization_id, role);
