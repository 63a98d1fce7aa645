package io.herd.e2e.fuzz;

import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * Field values a careless or malicious client puts into a request: empty and huge strings,
 * control, format, bidi, private-use and unpaired surrogate characters, numbers at and past
 * every bound (uint32 ≥ 2^31 arrives as a negative int), NaN and infinities, unknown enum
 * numbers, and addresses that are not {@code host:port}.
 */
final class Hostile {

    /** Characters that have broken parsers, logs and terminals. */
    private static final char[] NASTY = {'\0', '\u0001', '\u0007', '\b', '\t', '\n', '\r', '\u001b', '\u007f',
        '\u0085', '\u009b', '\u00a0', '\u00ad', '\u0378', '\u200b', '\u200d', '\u200e', '\u200f', '\u202a',
        '\u202b', '\u202c', '\u202d', '\u202e', '\u2028', '\u2029', '\u2066', '\u2067', '\u2068', '\u2069',
        '\ue000', '\uf8ff', '\ufeff', '\ufffd', '\uffff', '\ud800', '\udbff', '\udc00', '\udfff', '%', '\'', '"',
        '<', '>', '&', '/', '\\', ':', '$', '{', '}', '[', ']', '.', '-', ' '};

    /** Text that has meant something to some interpreter. */
    private static final List<String> TRICKS = List.of("../../etc/passwd", "/", ".", "..", "a/b", "C:\\x",
            "%s%n%x%p", "${jndi:ldap://127.0.0.1:1/x}", "' OR 1=1 --", "\"; DROP TABLE servers; --",
            "<domain type='kvm'/>", "]]><x>", "&amp;&#0;", "\u202etxt.exe", "null", "undefined", "NaN", "-1",
            "default", "herd-images", "127.0.0.1:1", "\ud83d\ude00", "\udb40\udc01", "\uDBFF\uDFFF", "a\u0000b",
            " ", "\t", "a".repeat(255), "a".repeat(256), "\ud83d\ude00".repeat(255), "\ud83d\ude00".repeat(256),
            "é".repeat(255), "x".repeat(511));

    /** Agent addresses: a few the controller must refuse, a few it accepts that reach nothing. */
    private static final List<String> ADDRESSES = List.of("a:b", "x:-1", "[::1:5", "localhost:65536",
            "unix:relative", "unix:", "unix:/", "unix://", "unix:///", "unix:///nonexistent/agent.sock", "unix://relative/x.sock",
            "127.0.0.1:0", ":7701", "host:", "[::1]:1", "[]:1", "[::1]", "0.0.0.0:1", "dns:///127.0.0.1:1",
            "http://127.0.0.1:1", "127.0.0.1:1:1", "127.0.0.1:01", "127.0.0.1:99999999999", "[fe80::1%lo]:1",
            "-localhost:1", "localhost.:1", "127.0.0.1:1", "localhost:1", "[::1]:9");

    private Hostile() {
    }

    /** Any hostile text, from empty to a few hundred KB. */
    static Arbitrary<String> string() {
        return Arbitraries.frequencyOf(List.of(
                Tuple.of(3, Arbitraries.just("")),
                Tuple.of(3, Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(40)),
                Tuple.of(6, Arbitraries.strings().withChars(NASTY).withCharRange('a', 'z').ofMinLength(1)
                        .ofMaxLength(300)),
                Tuple.of(4, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(300)),
                Tuple.of(3, codePoints()),
                Tuple.of(3, Arbitraries.of(TRICKS)),
                Tuple.of(1, huge())));
    }

    /** Mostly short text of the given shape, sometimes hostile. */
    static Arbitrary<String> mostly(Arbitrary<String> usual, int hostilePercent) {
        return Arbitraries.frequencyOf(List.of(Tuple.of(100 - hostilePercent, usual),
                Tuple.of(hostilePercent, string())));
    }

    /** Strings of 10,000–300,000 characters. */
    static Arbitrary<String> huge() {
        return Arbitraries.randomValue(r -> {
            String unit = switch (r.nextInt(4)) {
                case 0 -> "x";
                case 1 -> "\u202e\u0000";
                case 2 -> "\ud83d\ude00";
                default -> "ab:/";
            };
            return unit.repeat((10_000 + r.nextInt(290_000)) / unit.length());
        });
    }

    /** Supplementary, private-use, tag, unassigned and noncharacter code points, and unpaired surrogates. */
    private static Arbitrary<String> codePoints() {
        int[] starts = {0x1F600, 0xE0001, 0xF0000, 0x10FFFE, 0xD800, 0xDC00, 0x0, 0x80, 0x2FFFE, 0x30000};
        return Arbitraries.randomValue(r -> {
            StringBuilder b = new StringBuilder();
            int n = 1 + r.nextInt(40);
            for (int i = 0; i < n; i++) {
                int start = starts[r.nextInt(starts.length)];
                int cp = Math.min(Character.MAX_CODE_POINT, start + r.nextInt(32));
                b.appendCodePoint(cp);
                if (r.nextInt(3) == 0) {
                    b.append((char) ('a' + r.nextInt(26)));
                }
            }
            return b.toString();
        });
    }

    /** A name the services accept: 1–40 letters and digits. */
    static Arbitrary<String> plainName() {
        return Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(40);
    }

    /** A name no other request of this run uses (so that what it created can be looked for). */
    static Arbitrary<String> uniqueName(String prefix) {
        return Arbitraries.randomValue(r -> prefix + Long.toHexString(r.nextLong() >>> 4));
    }

    static Arbitrary<String> address() {
        return Arbitraries.frequencyOf(List.of(
                Tuple.of(6, Arbitraries.of(ADDRESSES)),
                // distinct loopback addresses on a closed port: each one a new agent address
                Tuple.of(3, Arbitraries.randomValue(r -> "127." + r.nextInt(256) + "." + r.nextInt(256) + "."
                        + (1 + r.nextInt(254)) + ":1")),
                Tuple.of(1, string())));
    }

    static Arbitrary<String> uuid() {
        return Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong()).toString());
    }

    /** Text that is almost a UUID. */
    static Arbitrary<String> nearUuid() {
        return Arbitraries.randomValue(r -> {
            String u = new UUID(r.nextLong(), r.nextLong()).toString();
            return switch (r.nextInt(7)) {
                case 0 -> u.toUpperCase(java.util.Locale.ROOT);
                case 1 -> u.replace("-", "");
                case 2 -> "{" + u + "}";
                case 3 -> u + " ";
                case 4 -> u.substring(0, 35) + "g";
                case 5 -> u.replace('-', '\u2010');
                default -> "00000000-0000-0000-0000-000000000000";
            };
        });
    }

    /** A uint32 field's value as Java holds it. */
    static Arbitrary<Integer> uint32() {
        return Arbitraries.frequencyOf(List.of(
                Tuple.of(4, Arbitraries.of(0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE + 1,
                        16, 15, 1000, 1001, 1024, 1025, 65_535, 65_536)),
                Tuple.of(3, Arbitraries.integers().between(0, 64)),
                Tuple.of(3, Arbitraries.integers())));
    }

    /** A uint64 field's value as Java holds it. */
    static Arbitrary<Long> uint64() {
        return Arbitraries.frequencyOf(List.of(
                Tuple.of(4, Arbitraries.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 15L, 16L, 65_536L,
                        65_537L, 16_777_216L, 16_777_217L, 1L << 32, (1L << 31), Long.MAX_VALUE / 1024)),
                Tuple.of(3, Arbitraries.longs().between(0, 1 << 20)),
                Tuple.of(3, Arbitraries.longs())));
    }

    static Arbitrary<Double> real() {
        return Arbitraries.frequencyOf(List.of(
                Tuple.of(5, Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0,
                        0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1000.0, Math.nextUp(1000.0), -1.0, 1e-300,
                        1e300)),
                Tuple.of(5, Arbitraries.doubles().between(0.01, 64))));
    }

    /** An enum field's number: the known ones and some no enum has. */
    static Arbitrary<Integer> enumNumber(int known) {
        return Arbitraries.frequencyOf(List.of(
                Tuple.of(7, Arbitraries.integers().between(0, known - 1)),
                Tuple.of(3, Arbitraries.of(-1, known, known + 1, 99, Integer.MAX_VALUE, Integer.MIN_VALUE))));
    }

    /** An authorization header: printable ASCII, as HTTP/2 carries it, below the 8 KiB header limit. */
    static Arbitrary<String> authorization() {
        Arbitrary<String> ascii = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(200);
        return Arbitraries.frequencyOf(List.of(
                Tuple.of(3, Arbitraries.of("Bearer", "Bearer ", "Bearer x", "bearer x", "BEARER x", "Basic dXNlcjpw",
                        "Bearer  ", "Bearer \t", "Bearer a b", "Bearer " + "A".repeat(7000), "Token x", "", " ")),
                Tuple.of(3, ascii.map(t -> "Bearer " + t)),
                Tuple.of(1, ascii)));
    }

    static Arbitrary<Boolean> bool() {
        return Arbitraries.of(true, false);
    }
}
