package signup.common.store;

import org.jdbi.v3.core.Handle;

/**
 * A participant's data table as the barrier's second phase sees it: rows reserved under a
 * {@code txn_id} with status {@code PENDING}, made final by a confirm or removed by a cancel.
 * The names are the participant's own constants, never input.
 *
 * @param table the table, with columns {@code txn_id} and {@code status}
 * @param confirmedStatus the status a confirm gives ("CONFIRMED", "ACTIVE")
 * @param confirmedAtColumn the column stamped with the confirm time (epoch milliseconds)
 */
public record PendingRows(String table, String confirmedStatus, String confirmedAtColumn) {

  /** PENDING -> confirmed for the row of {@code txnId}. */
  public void confirm(Handle handle, String txnId, long nowMillis) {
    handle.createUpdate("UPDATE " + table + " SET status = :confirmed, " + confirmedAtColumn
            + " = :now WHERE txn_id = :txn AND status = 'PENDING'")
        .bind("confirmed", confirmedStatus)
        .bind("now", nowMillis)
        .bind("txn", txnId)
        .execute();
  }

  /** True when {@code txnId} has a confirmed row. */
  public boolean isConfirmed(Handle handle, String txnId) {
    return handle.createQuery("SELECT count(*) FROM " + table
            + " WHERE txn_id = :txn AND status = :confirmed")
        .bind("txn", txnId)
        .bind("confirmed", confirmedStatus)
        .mapTo(Integer.class)
        .one() > 0;
  }

  /** Removes the pending row of {@code txnId}, if any. */
  public void delete(Handle handle, String txnId) {
    handle.createUpdate("DELETE FROM " + table + " WHERE txn_id = :txn AND status = 'PENDING'")
        .bind("txn", txnId)
        .execute();
  }
}
