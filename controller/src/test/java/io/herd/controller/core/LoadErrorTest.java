package io.herd.controller.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herd.controller.model.GroupRecord;
import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import io.herd.controller.store.Mutation;
import io.herd.controller.store.Store;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An Error while the store's tables are read side by side (out of memory on 100,000 servers)
 * is not turned into a store failure that a new term would retry: it reaches the caller as
 * itself, and so stops the program.
 */
class LoadErrorTest {

    /** Reads fine but for the servers, which run out of memory. */
    private static final class OutOfMemoryStore implements Store {
        @Override
        public List<GroupRecord> loadGroups() {
            return List.of();
        }

        @Override
        public List<HostRecord> loadHosts() {
            return List.of();
        }

        @Override
        public List<ServerRecord> loadServers() {
            throw new OutOfMemoryError("Java heap space (test)");
        }

        @Override
        public List<io.herd.controller.model.FlavorRecord> loadFlavors() {
            return List.of();
        }

        @Override
        public Map<String, List<String>> loadRequests() {
            return Map.of();
        }

        @Override
        public Map<String, List<HistoryEntry>> loadHistory() {
            return Map.of();
        }

        @Override
        public void apply(List<Mutation> batch) {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void anErrorWhileLoadingIsThrownAsItselfNotAsAStoreFailure() {
        assertThatThrownBy(() -> StoreLoader.load(new OutOfMemoryStore(), Instant.parse("2026-01-01T00:00:00Z")))
                .isInstanceOf(OutOfMemoryError.class).hasMessageContaining("(test)");
    }
}
