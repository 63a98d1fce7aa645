package io.herd.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters for the size options ({@code --memory}, {@code --disk}). */
final class SizeConverters {
  private SizeConverters() {}

  /** A size in MiB; a bare number is MiB. */
  static final class Mib implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Sizes.parseMib(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** A size in GiB; a bare number is GiB. */
  static final class Gib implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Sizes.parseGib(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
