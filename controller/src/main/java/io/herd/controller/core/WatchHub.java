package io.herd.controller.core;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Watchers of server changes. Publishing happens under the inventory lock, so order is kept. */
final class WatchHub {

    private static final Logger LOG = LoggerFactory.getLogger(WatchHub.class);

    private final CopyOnWriteArrayList<Watcher> watchers = new CopyOnWriteArrayList<>();

    private record Watcher(Predicate<ServerView> filter, Consumer<ServerChange> sink) {
    }

    Runnable subscribe(Predicate<ServerView> filter, Consumer<ServerChange> sink) {
        Watcher w = new Watcher(filter, sink);
        watchers.add(w);
        return () -> watchers.remove(w);
    }

    void publish(ServerChange change) {
        for (Watcher w : watchers) {
            if (!w.filter().test(change.server())) {
                continue;
            }
            try {
                w.sink().accept(change);
            } catch (RuntimeException e) {
                LOG.debug("dropping a watcher that failed: {}", e.toString());
                watchers.remove(w);
            }
        }
    }

    int size() {
        return watchers.size();
    }
}
