/**
 * @module
 * Kysely's PostgreSQL dialect over a `pg` pool, made to run the same
 * migrations and queries as SQLite. The differences live here, once:
 * - `integer primary key autoincrement` is written `serial primary key`;
 * - the `blob` column type is written `bytea`;
 * - `bigint` (int8) values come back as numbers, as SQLite returns them
 *   (every bigint Wharf stores — sizes, milliseconds — is below 2^53).
 */
import {
  type ColumnDefinitionNode,
  type DataTypeNode,
  PostgresDialect,
  PostgresQueryCompiler,
  type QueryCompiler,
} from "kysely";
import pg from "pg";

const int8 = 20;

class PortablePostgresQueryCompiler extends PostgresQueryCompiler {
  protected override visitColumnDefinition(node: ColumnDefinitionNode): void {
    const type = node.dataType.kind === "DataTypeNode" ? (node.dataType as DataTypeNode).dataType : undefined;
    const spelled = (dataType: string) => ({ ...node.dataType, dataType }) as DataTypeNode;
    if (node.autoIncrement && type === "integer") {
      super.visitColumnDefinition({ ...node, autoIncrement: false, dataType: spelled("serial") });
    } else if (type === "blob") {
      super.visitColumnDefinition({ ...node, dataType: spelled("bytea") });
    } else {
      super.visitColumnDefinition(node);
    }
  }
}

/** PostgresDialect whose compiler translates SQLite's column spellings. */
class PortablePostgresDialect extends PostgresDialect {
  override createQueryCompiler(): QueryCompiler {
    return new PortablePostgresQueryCompiler();
  }
}

/** What {@link createPostgresDialect} needs. */
export interface PostgresOptions {
  /** `postgres://USER:PASSWORD@HOST:PORT/DATABASE`. */
  readonly url: string;
  /** Connections kept open at most (at least 2: migrations hold one for their lock). */
  readonly poolSize: number;
}

/** A dialect over a new pool; `Kysely.destroy()` ends the pool. */
export function createPostgresDialect(options: PostgresOptions): PostgresDialect {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: Math.max(2, options.poolSize),
    // A database that does not answer fails a start or a request, never hangs it.
    connectionTimeoutMillis: 10_000,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === int8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as never,
    },
  });
  // An idle client's error (the server restarted) must not crash the process;
  // the pool drops that client and the next query connects again.
  pool.on("error", () => {});
  return new PortablePostgresDialect({ pool });
}

/** `url` with its password replaced, for log lines and error messages. */
export function redactedDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "REDACTED";
    return parsed.toString();
  } catch {
    return "postgres://[unparsable url]";
  }
}
