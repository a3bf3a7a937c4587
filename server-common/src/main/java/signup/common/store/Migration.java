package signup.common.store;

/**
 * One step of a database schema. Versions start at 1 and have no gaps; the applied version is
 * kept in SQLite's {@code user_version}. The SQL may hold several statements separated by ';'.
 */
public record Migration(int version, String description, String sql) {}
