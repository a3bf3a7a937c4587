package signup.cli;

import java.math.BigDecimal;
import java.util.Currency;

/** Prices for people: 999 USD minor units as "9.99 USD". */
final class Prices {
  private Prices() {}

  static String format(signup.common.v1.Money money) {
    int digits;
    try {
      digits = Math.max(0, Currency.getInstance(money.getCurrency()).getDefaultFractionDigits());
    } catch (IllegalArgumentException e) {
      digits = 2;
    }
    return BigDecimal.valueOf(money.getAmountMinor(), digits).toPlainString() + " "
        + money.getCurrency();
  }
}
