package io.herd.cli;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes the sizes people type: {@code 512M}, {@code 4G}, {@code 1.5G}, {@code 2T}.
 * Every unit is binary (K = KiB, M = MiB, G = GiB, T = TiB, with or without a trailing
 * {@code i}, {@code iB} or {@code B}); a bare number is in the caller's default unit.
 */
public final class Sizes {
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)");
  private static final long KIB_PER_MIB = 1024;
  private static final long MIB_PER_GIB = 1024;
  private static final long MIB_PER_TIB = 1024 * 1024;

  private Sizes() {}

  /** The size in MiB; a bare number is MiB. Fractions must come out as whole MiB. */
  public static long parseMib(String text) {
    BigDecimal kib = parseKib(text, KIB_PER_MIB);
    return whole(kib.divide(BigDecimal.valueOf(KIB_PER_MIB)), text, "MiB");
  }

  /** The size in GiB; a bare number is GiB. Fractions must come out as whole GiB. */
  public static long parseGib(String text) {
    BigDecimal kib = parseKib(text, KIB_PER_MIB * MIB_PER_GIB);
    return whole(kib.divide(BigDecimal.valueOf(KIB_PER_MIB * MIB_PER_GIB)), text, "GiB");
  }

  private static BigDecimal parseKib(String text, long defaultUnitKib) {
    Matcher m = SIZE.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size; write a number with an optional unit, e.g. 512M, 4G, 1T");
    }
    BigDecimal number = new BigDecimal(m.group(1));
    return number.multiply(BigDecimal.valueOf(unitKib(m.group(2), text, defaultUnitKib)));
  }

  private static long unitKib(String unit, String text, long defaultUnitKib) {
    String u = unit.toUpperCase(Locale.ROOT);
    if (u.isEmpty()) {
      return defaultUnitKib;
    }
    if (u.endsWith("IB")) {
      u = u.substring(0, u.length() - 2);
    } else if (u.endsWith("I") || (u.length() == 2 && u.endsWith("B"))) {
      u = u.substring(0, u.length() - 1);
    }
    switch (u) {
      case "K":
        return 1;
      case "M":
        return KIB_PER_MIB;
      case "G":
        return KIB_PER_MIB * MIB_PER_GIB;
      case "T":
        return KIB_PER_MIB * MIB_PER_TIB;
      default:
        throw new IllegalArgumentException(
            "'" + text + "' has an unknown unit '" + unit + "'; use K, M, G or T (binary: G = GiB)");
    }
  }

  private static long whole(BigDecimal value, String text, String unit) {
    try {
      return value.longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is not a whole number of " + unit);
    }
  }

  /** A short human form of a MiB amount: 512M, 4G, 1.5G, 2T. */
  public static String formatMib(long mib) {
    if (mib >= MIB_PER_TIB) {
      return trim(mib / (double) MIB_PER_TIB) + "T";
    }
    if (mib >= MIB_PER_GIB) {
      return trim(mib / (double) MIB_PER_GIB) + "G";
    }
    return mib + "M";
  }

  /** A short human form of a GiB amount: 20G, 1.5T. */
  public static String formatGib(long gib) {
    return gib < MIB_PER_GIB ? gib + "G" : formatMib(gib * MIB_PER_GIB);
  }

  private static String trim(double value) {
    if (value == Math.rint(value)) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
