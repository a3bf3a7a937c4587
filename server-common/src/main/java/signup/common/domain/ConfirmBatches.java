package signup.common.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A batch of confirms as both participants take it: checked as a whole (its size), then each
 * txn_id on its own, so that a bad id is that txn's failure only; the good ones go to the
 * store together, as one write.
 */
public final class ConfirmBatches {
  /** The most txns one batch may hold: as many as one group commit of the writer takes. */
  public static final int MAX = 256;

  private ConfirmBatches() {}

  /**
   * Answers every txn of {@code txnIds}, in their order: a bad txn_id failed with
   * {@link InvalidInputException}, the others as {@code confirmAll} answers them (one result
   * each, in the order given). {@code confirmAll} is not called when no txn_id is good.
   *
   * @param confirmed told of each txn confirmed, once the write is durable and before the
   *     answer (where a confirm alone reaches its crash point and logs)
   * @throws InvalidInputException when the batch holds no txn_id or more than {@link #MAX}
   */
  public static <T> CompletableFuture<List<TxnResult<T>>> confirm(List<String> txnIds,
      Function<List<String>, CompletableFuture<List<TxnResult<T>>>> confirmAll,
      BiConsumer<String, T> confirmed) {
    if (txnIds.isEmpty() || txnIds.size() > MAX) {
      throw InvalidInputException.of("txn_ids", "must hold 1 to " + MAX + " ids, not "
          + txnIds.size());
    }
    // A bad id answered here; null where the store will answer.
    List<TxnResult<T>> results = new ArrayList<>(txnIds.size());
    List<String> good = new ArrayList<>(txnIds.size());
    for (String txnId : txnIds) {
      Violations v = new Violations();
      SignupFields.checkId(v, "txn_id", txnId);
      Optional<InvalidInputException> bad = v.asException();
      results.add(bad.map(invalid -> TxnResult.<T>failed(txnId, invalid)).orElse(null));
      if (bad.isEmpty()) {
        good.add(txnId);
      }
    }
    if (good.isEmpty()) {
      return CompletableFuture.completedFuture(results);
    }
    return confirmAll.apply(good).thenApply(stored -> {
      if (stored.size() != good.size()) {
        throw new IllegalStateException("the store answered " + stored.size() + " of "
            + good.size() + " confirms");
      }
      stored.stream().filter(TxnResult::ok)
          .forEach(result -> confirmed.accept(result.txnId(), result.value()));
      int next = 0;
      for (int i = 0; i < results.size(); i++) {
        if (results.get(i) == null) {
          results.set(i, stored.get(next++));
        }
      }
      return results;
    });
  }
}
