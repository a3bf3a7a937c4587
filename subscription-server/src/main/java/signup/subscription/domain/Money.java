package signup.subscription.domain;

import java.util.Objects;

/** An amount in the smallest unit of its currency: 999 USD is 9.99 US dollars. */
public record Money(long amountMinor, String currency) {
  public Money {
    Objects.requireNonNull(currency, "currency");
    if (amountMinor < 0) {
      throw new IllegalArgumentException("a price cannot be negative: " + amountMinor);
    }
    if (!currency.matches("[A-Z]{3}")) {
      throw new IllegalArgumentException("not an ISO 4217 currency code: " + currency);
    }
  }
}
