-- Compose only: gives the read-only role of config/readonly-role.sql (run just before this file) its password,
-- taken from the PostgreSQL container's TENANTGATE_READER_PASSWORD (psql's \getenv), so that no password is
-- written in a file. Runs once, when the data volume is created (docker-entrypoint-initdb.d).
\getenv reader_password TENANTGATE_READER_PASSWORD
\if :{?reader_password}
ALTER ROLE tenantgate_reader PASSWORD :'reader_password';
\else
DO $$ BEGIN RAISE EXCEPTION 'TENANTGATE_READER_PASSWORD is not set in the postgres container'; END $$;
\endif
