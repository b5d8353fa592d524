-- The backup role: reads every row of the application database, writes nothing.
--
-- Every tenant table has row-level security enabled AND forced, so even the tables' owner sees
-- no rows without an organisation set, and pg_dump (which turns row_security off) refuses to
-- dump them: "query would be affected by row-level security policy". cocora_backup may bypass
-- row-level security (BYPASSRLS) and has SELECT only; it owns nothing and changes nothing.
--
-- Run it as a superuser (BYPASSRLS can only be given by one), connected to the application
-- database; it is idempotent. Give the role a password separately, e.g.
--     ALTER ROLE cocora_backup PASSWORD '...';
-- See docs/security.md, "Backups".

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'cocora_backup') THEN
        CREATE ROLE cocora_backup
            LOGIN BYPASSRLS
            NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOINHERIT;
    ELSE
        ALTER ROLE cocora_backup
            LOGIN BYPASSRLS
            NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOINHERIT;
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO cocora_backup', current_database());
END
$$;

GRANT USAGE ON SCHEMA public TO cocora_backup;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO cocora_backup;
GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO cocora_backup;

-- Tables and sequences that later migrations create (as the owner role) are readable too.
ALTER DEFAULT PRIVILEGES FOR ROLE cocora_owner IN SCHEMA public
    GRANT SELECT ON TABLES TO cocora_backup;
ALTER DEFAULT PRIVILEGES FOR ROLE cocora_owner IN SCHEMA public
    GRANT SELECT ON SEQUENCES TO cocora_backup;
