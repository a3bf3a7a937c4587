package signup.orchestrator.domain;

import signup.common.logging.LogContext;

/**
 * Opens a sign-up's logging context on the calling thread, until closed: its txn_id, and the
 * trace_id of its trace where this process knows it. For work on a thread that no step of the
 * sign-up handed it to (a recovery pass): every step's own hand-overs carry the context already
 * (the adapters around the log and the participants, {@link LogContext}).
 */
@FunctionalInterface
public interface TxnLogContext {
  /** The txn_id alone: where no trace is known. */
  TxnLogContext TXN_ID_ONLY = txnId -> LogContext.withTxn(txnId, null);

  LogContext.Scope enter(String txnId);
}
