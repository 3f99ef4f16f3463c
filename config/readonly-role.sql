-- A login role for tenantgate that can only read the Better Auth tables it needs.
-- Run as a superuser or the schema owner, in the Better Auth database (psql -f config/readonly-role.sql), then give
-- the role a password of your own: ALTER ROLE tenantgate_reader PASSWORD '...';
-- The gateway also opens every session with default_transaction_read_only=on, as a second guard.

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantgate_reader') THEN
    CREATE ROLE tenantgate_reader LOGIN;
  END IF;
END
$$;

ALTER ROLE tenantgate_reader SET default_transaction_read_only = on;
GRANT USAGE ON SCHEMA public TO tenantgate_reader;
-- Only the tables the gateway reads (plural-snake layout; use "user" and "member" for better-auth-default).
GRANT SELECT ON users, members, organizations TO tenantgate_reader;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON users, members, organizations FROM tenantgate_reader;
