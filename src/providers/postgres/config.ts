import { z } from 'zod';

/** A provider instance of type postgres: one database of one server. No secret in YAML. */
export const postgresConfigSchema = z.strictObject({
  connectionStringEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name')
    .optional()
    .describe('Environment variable holding a postgres:// connection string (default: the standard PG* variables).'),
  database: z.string().min(1).optional().describe('Database to connect to (REASSIGN/DROP OWNED act on it); default from the connection.'),
  reassignTo: z.string().min(1).max(63).optional().describe('delete mode: the role that inherits what the departing role owns.'),
  serverLogFile: z.string().min(1).optional().describe('revoke watch: the server log to search for failed logins of revoked roles (default log_line_prefix).'),
});

export type PostgresConfig = z.infer<typeof postgresConfigSchema>;

export const postgresStepOptionsSchema = z.object({
  allowSuperuser: z.boolean().optional().describe('Allow revoking a superuser role (refused otherwise).'),
});
