export { startPostgres, postgresBinDir, type PostgresServer } from '../../src/sandbox/postgres/cluster.js';
