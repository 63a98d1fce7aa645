package io.herd.e2e.fuzz;

import com.google.protobuf.MessageLite;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * The bytes a request carries: a hostile message as it serialises, that serialisation cut short
 * or garbled, random bytes, or bytes crafted to break a protobuf parser (overlong varints,
 * lengths past the end, invalid wire types, invalid UTF-8 in a string field, groups nested
 * past any recursion limit); or a message framed in a way a unary call must refuse (none, two),
 * or compressed: with gzip, as a gzip bomb, or as junk that claims to be gzip.
 */
final class Payloads {

    enum Kind { MESSAGE, TRUNCATED, GARBLED, RANDOM, CRAFTED, NO_MESSAGE, TWO_MESSAGES, GZIP, GZIP_BOMB, GZIP_JUNK }

    record Payload(Kind kind, byte[] bytes) {

        /** The messages the call carries. */
        List<byte[]> messages() {
            return switch (kind) {
                case NO_MESSAGE -> List.of();
                case TWO_MESSAGES -> List.of(bytes, bytes);
                // grpc sends an empty message uncompressed: give the bomb or the junk a byte to replace
                case GZIP_BOMB, GZIP_JUNK -> List.of(bytes.length == 0 ? new byte[] {0} : bytes);
                default -> List.of(bytes);
            };
        }

        /** The encoding the messages are sent with; null: none. */
        String compression() {
            return switch (kind) {
                case GZIP, GZIP_BOMB, GZIP_JUNK -> "gzip";
                default -> null;
            };
        }

        /** Whether the server gets exactly the request {@link #bytes} (which may be no valid message). */
        boolean asIs() {
            return switch (kind) {
                case NO_MESSAGE, TWO_MESSAGES, GZIP_BOMB, GZIP_JUNK -> false;
                default -> true;
            };
        }
    }

    private static final List<byte[]> CRAFTED = List.of(
            bytes(0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01),
            bytes(0x0F, 0x01), bytes(0x0E, 0x01, 0x02, 0x03, 0x04), bytes(0x00, 0x01), bytes(0x0C),
            bytes(0x0A, 0x7F, 'a'), bytes(0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 'a'),
            bytes(0x0A, 0x02, 0xC3, 0x28), bytes(0x0A, 0x03, 0xED, 0xA0, 0x80), bytes(0x0A, 0x01, 0xFF),
            bytes(0x0A, 0x02, 0xC0, 0x80), bytes(0x12, 0x03, 0xED, 0xBF, 0xBF), bytes(0x12, 0x02, 0xC3, 0x28),
            bytes(0x32, 0x03, 0xED, 0xA0, 0x80), bytes(0x42, 0x01, 0xFE), bytes(0x1A, 0x01, 0xFF),
            bytes(0x08, 0x80), bytes(0x0A), bytes(0x22, 0x05, 0x0A, 0x03, 0xED, 0xA0, 0x80),
            repeat(0x0B, 5000), repeat(0x2B, 200), nested(0x2A, 300));

    private Payloads() {
    }

    static Arbitrary<Payload> of(Arbitrary<? extends MessageLite> messages) {
        Arbitrary<byte[]> serialised = messages.map(MessageLite::toByteArray);
        return Arbitraries.frequencyOf(List.of(
                Tuple.of(64, serialised.map(b -> new Payload(Kind.MESSAGE, b))),
                Tuple.of(1, serialised.map(b -> new Payload(Kind.NO_MESSAGE, b))),
                Tuple.of(1, serialised.map(b -> new Payload(Kind.TWO_MESSAGES, b))),
                Tuple.of(2, serialised.map(b -> new Payload(Kind.GZIP, b))),
                Tuple.of(1, serialised.map(b -> new Payload(Kind.GZIP_BOMB, b))),
                Tuple.of(1, serialised.map(b -> new Payload(Kind.GZIP_JUNK, b))),
                Tuple.of(8, serialised.flatMap(b -> Arbitraries.randomValue(r -> truncated(b, r)))
                        .map(b -> new Payload(Kind.TRUNCATED, b))),
                Tuple.of(8, serialised.flatMap(b -> Arbitraries.randomValue(r -> garbled(b, r)))
                        .map(b -> new Payload(Kind.GARBLED, b))),
                Tuple.of(8, random().map(b -> new Payload(Kind.RANDOM, b))),
                Tuple.of(6, Arbitraries.of(CRAFTED).map(b -> new Payload(Kind.CRAFTED, b.clone())))));
    }

    private static Arbitrary<byte[]> random() {
        return Arbitraries.frequencyOf(List.of(
                Tuple.of(1, Arbitraries.just(new byte[0])),
                Tuple.of(12, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(256)),
                Tuple.of(1, Arbitraries.randomValue(r -> {
                    byte[] b = new byte[1024 + r.nextInt(64 * 1024)];
                    r.nextBytes(b);
                    return b;
                }))));
    }

    private static byte[] truncated(byte[] whole, Random r) {
        return whole.length == 0 ? whole : Arrays.copyOf(whole, r.nextInt(whole.length));
    }

    private static byte[] garbled(byte[] whole, Random r) {
        byte[] b = whole.clone();
        if (b.length == 0) {
            return new byte[] {(byte) r.nextInt(256)};
        }
        switch (r.nextInt(4)) {
            case 0 -> {
                for (int i = 1 + r.nextInt(8); i > 0; i--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
                return b;
            }
            case 1 -> {
                int at = r.nextInt(b.length);
                byte[] junk = new byte[1 + r.nextInt(16)];
                r.nextBytes(junk);
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                o.write(b, 0, at);
                o.writeBytes(junk);
                o.write(b, at, b.length - at);
                return o.toByteArray();
            }
            case 2 -> {
                // a length prefix or tag turned into its largest value
                b[r.nextInt(b.length)] = (byte) 0xFF;
                return b;
            }
            default -> {
                byte[] twice = Arrays.copyOf(b, b.length * 2);
                System.arraycopy(b, 0, twice, b.length, b.length);
                twice[b.length] ^= (byte) 0x07;
                return twice;
            }
        }
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] repeat(int value, int times) {
        byte[] b = new byte[times];
        Arrays.fill(b, (byte) value);
        return b;
    }

    /** Length-delimited field {@code tag} nested {@code depth} deep (past protobuf's recursion limit of 100). */
    private static byte[] nested(int tag, int depth) {
        byte[] inner = new byte[0];
        for (int i = 0; i < depth; i++) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.write(tag);
            int n = inner.length;
            while (n >= 0x80) {
                o.write((n & 0x7F) | 0x80);
                n >>>= 7;
            }
            o.write(n);
            o.writeBytes(inner);
            inner = o.toByteArray();
        }
        return inner;
    }
}
