package io.herd.agent.testing;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Forwards a Unix socket of the test's own to libvirtd's socket, so a test can make libvirtd
 * "go away" for one agent (stop) and "come back" (start) without touching the shared daemon.
 */
public final class UnixSocketProxy implements AutoCloseable {

    private final Path listenPath;
    private final Path targetPath;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private ServerSocketChannel server;

    public UnixSocketProxy(Path listenPath, Path targetPath) {
        this.listenPath = listenPath;
        this.targetPath = targetPath;
    }

    public Path path() {
        return listenPath;
    }

    public synchronized void start() throws IOException {
        Files.deleteIfExists(listenPath);
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(listenPath));
        server = s;
        Thread acceptor = new Thread(() -> accept(s), "unix-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Closes the listening socket and every forwarded connection. */
    public synchronized void stop() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
        for (SocketChannel c : open) {
            c.close();
        }
        open.clear();
        Files.deleteIfExists(listenPath);
    }

    private void accept(ServerSocketChannel s) {
        while (s.isOpen()) {
            try {
                SocketChannel client = s.accept();
                SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(targetPath));
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(SocketChannel from, SocketChannel to) {
        Thread t = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            try {
                while (from.read(buf) >= 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        to.write(buf);
                    }
                    buf.clear();
                }
            } catch (IOException e) {
                // one side closed: close both below
            }
            try {
                from.close();
                to.close();
            } catch (IOException e) {
                // already closed
            }
        }, "unix-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
