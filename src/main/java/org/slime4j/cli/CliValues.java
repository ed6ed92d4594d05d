package org.slime4j.cli;

import org.slime4j.core.engine.DeviceChoice;
import org.slime4j.core.engine.Precision;
import org.slime4j.jobs.FolderJob;
import org.slime4j.jobs.Models;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The CLI's value types, each parsed by the one parser its Fiji counterpart uses; a bad value is a usage error
 * (exit 2) whose message names the option, the value and what is allowed.
 */
final class CliValues {
    private CliValues() {
    }

    private static <T> T parse(String value, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    static final class Device implements ITypeConverter<DeviceChoice> {
        @Override
        public DeviceChoice convert(String value) {
            return parse(value, DeviceChoice::parse);
        }
    }

    /** The base model field, as every front end reads it ({@link Models#parse}). */
    static final class Model implements ITypeConverter<java.nio.file.Path> {
        @Override
        public java.nio.file.Path convert(String value) {
            return parse(value, Models::parse);
        }
    }

    static final class Shard implements ITypeConverter<FolderJob.Shard> {
        @Override
        public FolderJob.Shard convert(String value) {
            return parse(value, FolderJob.Shard::parse);
        }
    }

    static final class HalfOrFull implements ITypeConverter<Precision> {
        @Override
        public Precision convert(String value) {
            return parse(value, Precision::parse);
        }
    }

    private static int atLeast(String value, int min) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new TypeConversionException("'" + value + "' is not a whole number >= " + min);
    }

    static final class AtLeast0 implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return atLeast(value, 0);
        }
    }

    static final class AtLeast1 implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return atLeast(value, 1);
        }
    }

    /** The working size: a multiple of 8 (the VAE's factor) from 64 up. */
    static final class WorkingSize implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = atLeast(value, 64);
            if (n % 8 != 0) {
                throw new TypeConversionException("'" + value + "' is not a multiple of 8 (e.g. 512 or 256)");
            }
            return n;
        }
    }

    static final class Positive implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            try {
                double d = Double.parseDouble(value.trim());
                if (d > 0 && Double.isFinite(d)) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("'" + value + "' is not a number > 0");
        }
    }

    static final class NonNegative implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            try {
                double d = Double.parseDouble(value.trim());
                if (d >= 0 && Double.isFinite(d)) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("'" + value + "' is not a number >= 0");
        }
    }

    /** A fraction in [0, 1), e.g. the tile overlap. */
    static final class Fraction implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            try {
                double d = Double.parseDouble(value.trim());
                if (d >= 0 && d < 1) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("'" + value + "' is not a fraction from 0 up to (not including) 1");
        }
    }
}
