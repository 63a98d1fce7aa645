package io.herd.e2e.fuzz;

import io.grpc.Compressor;
import io.grpc.CompressorRegistry;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/**
 * Channels whose "gzip" is not gzip: one sends, whatever the message, a gzip bomb (64 MiB of
 * zeros in some 64 KiB), the other bytes that are no gzip at all. The server must refuse both
 * without decompressing past its maximum message size and without a stack trace.
 */
final class Compressions {

    /** Decompressed size of the bomb: far past any server's maximum message size. */
    private static final int BOMB_BYTES = 64 * 1024 * 1024;
    private static final byte[] BOMB = bomb();
    private static final byte[] JUNK = {0x1f, (byte) 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, (byte) 0xff,
        0x01, 0x02, 0x03, (byte) 0xfe, (byte) 0xfd, 0x00, 0x7f};

    private Compressions() {
    }

    static ManagedChannel bombs(String address) {
        return channel(address, BOMB);
    }

    static ManagedChannel junk(String address) {
        return channel(address, JUNK);
    }

    /** A channel on which "gzip" sends {@code instead} in place of every message. */
    private static ManagedChannel channel(String address, byte[] instead) {
        CompressorRegistry registry = CompressorRegistry.newEmptyInstance();
        registry.register(new Compressor() {
            @Override
            public String getMessageEncoding() {
                return "gzip";
            }

            @Override
            public OutputStream compress(OutputStream os) {
                return new OutputStream() {
                    @Override
                    public void write(int b) {
                        // the message is dropped
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        // the message is dropped
                    }

                    @Override
                    public void close() throws IOException {
                        os.write(instead);
                        os.close();
                    }
                };
            }
        });
        return Grpc.newChannelBuilder(address, InsecureChannelCredentials.create()).compressorRegistry(registry)
                .build();
    }

    private static byte[] bomb() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            byte[] zeros = new byte[1024 * 1024];
            for (int written = 0; written < BOMB_BYTES; written += zeros.length) {
                gzip.write(zeros);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
