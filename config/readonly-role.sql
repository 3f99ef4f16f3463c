-- A login role for tenantgate that can only read the two Better Auth tables it needs (users and members, or "user"
-- and "member" in the better-auth-default layout). Run as a superuser or the schema owner, in the Better Auth
-- database (psql -f config/readonly-role.sql; safe to run again), then give the role a password of your own:
--   ALTER ROLE tenantgate_reader PASSWORD '...';
-- The gateway also opens every session with default_transaction_read_only=on, as a second guard.

DO $$
DECLARE t text;
BEGIN
  BEGIN
    CREATE ROLE tenantgate_reader LOGIN;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  FOREACH t IN ARRAY ARRAY['users', 'members', 'user', 'member'] LOOP
    IF to_regclass(format('%I', t)) IS NOT NULL THEN
      EXECUTE format('GRANT SELECT ON %I TO tenantgate_reader', t);
      EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON %I FROM tenantgate_reader', t);
    END IF;
  END LOOP;
END
$$;

ALTER ROLE tenantgate_reader SET default_transaction_read_only = on;
GRANT USAGE ON SCHEMA public TO tenantgate_reader;
