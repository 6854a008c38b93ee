-- Nothing to do: PostgreSQL's identity columns never hand out an id twice, deleted rows
-- or not. The SQLite migration of this name makes its round ids never reused as well.
SELECT 1;
