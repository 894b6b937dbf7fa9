package dev.vyoma.stats.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.duckdb.DuckDBConnection;
import org.flywaydb.core.Flyway;

/**
 * An open statistics database. {@code duckdb:PATH} (a file, created if missing; {@code duckdb::memory:} for a
 * throw-away one) or {@code postgresql://[user[:password]@]host[:port]/database[?params]} (also {@code
 * jdbc:postgresql:…}). The schema is migrated when it opens. {@link #connection()} gives a connection for one
 * unit of work (close it after); DuckDB shares one database instance in the process, PostgreSQL a small pool.
 */
public final class StatsDb implements AutoCloseable {
    /** The SQL dialects the metrics are written for. */
    public enum Dialect {
        DUCKDB,
        POSTGRESQL
    }

    /** Schema migrations in order, under {@code db/migration}; Flyway reads the same files for PostgreSQL. */
    static final List<String> MIGRATIONS = List.of(
            "V1__schema.sql", "V2__provider_registration.sql", "V3__reserved.sql", "V4__bids_and_gpu_models.sql");

    private final Dialect dialect;
    private final String description;
    private final DuckDBConnection duck;
    private final HikariDataSource pool;

    private StatsDb(Dialect dialect, String description, DuckDBConnection duck, HikariDataSource pool) {
        this.dialect = dialect;
        this.description = description;
        this.duck = duck;
        this.pool = pool;
    }

    /** Opens (and migrates) the database named by {@code spec}; a bad spec is an {@link IllegalArgumentException}. */
    public static StatsDb open(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("--db is duckdb:PATH or postgresql://HOST[:PORT]/DATABASE");
        }
        if (spec.startsWith("duckdb:")) {
            return openDuck(spec.substring("duckdb:".length()));
        }
        if (spec.startsWith("postgresql://") || spec.startsWith("postgres://") || spec.startsWith("jdbc:postgresql:")) {
            return openPostgres(spec);
        }
        int colon = spec.indexOf(':');
        String scheme = colon < 0 ? spec : spec.substring(0, colon);
        throw new IllegalArgumentException(
                "unknown --db scheme '" + scheme + "': use duckdb:PATH (a file) or postgresql://HOST[:PORT]/DATABASE");
    }

    private static StatsDb openDuck(String path) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("--db duckdb: needs a file path, e.g. duckdb:stats.duckdb");
        }
        String url;
        if (path.equals(":memory:")) {
            url = "jdbc:duckdb:";
        } else {
            Path file = Path.of(path).toAbsolutePath();
            Path dir = file.getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                throw new IllegalArgumentException("--db: the directory " + dir + " does not exist");
            }
            url = "jdbc:duckdb:" + file;
        }
        try {
            DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection(url);
            StatsDb db = new StatsDb(Dialect.DUCKDB, "duckdb:" + path, c, null);
            db.migrateDuck();
            return db;
        } catch (SQLException e) {
            throw new IllegalArgumentException("--db " + "duckdb:" + path + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static StatsDb openPostgres(String spec) {
        String jdbc = jdbcUrl(spec);
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(jdbc);
        cfg.setMaximumPoolSize(4);
        cfg.setPoolName("vyoma-stats");
        cfg.setInitializationFailTimeout(10_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException(
                    "--db: cannot connect to PostgreSQL: " + firstLine(cause.getMessage()), e);
        }
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new IllegalArgumentException("--db: migrating the schema failed: " + firstLine(e.getMessage()), e);
        }
        return new StatsDb(Dialect.POSTGRESQL, redact(spec), null, pool);
    }

    /** {@code postgresql://user:pw@host:port/db?x=y} as a JDBC URL with user and password as parameters. */
    static String jdbcUrl(String spec) {
        if (spec.startsWith("jdbc:postgresql:")) {
            return spec;
        }
        URI u;
        try {
            u = URI.create(spec.startsWith("postgres://") ? "postgresql://" + spec.substring(11) : spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--db: not a PostgreSQL URL: " + e.getMessage());
        }
        if (u.getHost() == null || u.getPath() == null || u.getPath().length() < 2) {
            throw new IllegalArgumentException(
                    "--db: a PostgreSQL URL is postgresql://[USER[:PASSWORD]@]HOST[:PORT]/DATABASE");
        }
        StringBuilder b = new StringBuilder("jdbc:postgresql://").append(u.getHost());
        if (u.getPort() > 0) {
            b.append(':').append(u.getPort());
        }
        b.append(u.getPath());
        String sep = "?";
        if (u.getRawQuery() != null) {
            b.append('?').append(u.getRawQuery());
            sep = "&";
        }
        if (u.getRawUserInfo() != null) {
            String[] up = u.getRawUserInfo().split(":", 2);
            b.append(sep).append("user=").append(URLDecoder.decode(up[0], StandardCharsets.UTF_8));
            if (up.length == 2) {
                b.append("&password=").append(URLDecoder.decode(up[1], StandardCharsets.UTF_8));
            }
        }
        return b.toString();
    }

    private static String redact(String spec) {
        return spec.replaceAll("://([^:@/]+):[^@/]*@", "://$1:***@");
    }

    private void migrateDuck() throws SQLException {
        try (Statement s = duck.createStatement()) {
            s.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, script VARCHAR NOT NULL)");
            int have = 0;
            try (ResultSet r = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
                r.next();
                have = r.getInt(1);
            }
            for (int v = have + 1; v <= MIGRATIONS.size(); v++) {
                String script = MIGRATIONS.get(v - 1);
                duck.setAutoCommit(false);
                try {
                    for (String statement : statements(resource("db/migration/" + script))) {
                        s.execute(statement);
                    }
                    s.execute("INSERT INTO schema_version VALUES (" + v + ", '" + script + "')");
                    duck.commit();
                } catch (SQLException e) {
                    duck.rollback();
                    throw e;
                } finally {
                    duck.setAutoCommit(true);
                }
            }
        }
    }

    private static String resource(String name) {
        try (InputStream in = StatsDb.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }

    /** A script's statements: split on semicolons at line ends, comments dropped (the schema has no strings with ;). */
    static List<String> statements(String script) {
        StringBuilder clean = new StringBuilder();
        for (String line : script.lines().toList()) {
            String l = line.strip();
            if (!l.startsWith("--")) {
                clean.append(line).append('\n');
            }
        }
        return java.util.Arrays.stream(clean.toString().split(";\\s*\n", -1))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(s -> s.endsWith(";") ? s.substring(0, s.length() - 1) : s)
                .toList();
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The database as given, password hidden. */
    public String description() {
        return description;
    }

    /** A connection for one unit of work, in auto-commit mode; the caller closes it. */
    public Connection connection() throws SQLException {
        if (duck != null) {
            return duck.duplicate();
        }
        return pool.getConnection();
    }

    @Override
    public void close() {
        try {
            if (duck != null) {
                duck.close();
            }
        } catch (SQLException e) {
            // closing anyway
        }
        if (pool != null) {
            pool.close();
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
