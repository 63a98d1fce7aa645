package io.herd.controller.core;

import io.herd.controller.model.HistoryEntry;
import io.herd.controller.model.ServerRecord;
import java.util.List;

/**
 * A server with the name of its host, as the API shows it; with its history when asked for
 * one server (empty otherwise).
 */
public record ServerView(ServerRecord server, String hostName, List<Step> history) {

    public ServerView {
        history = List.copyOf(history);
    }

    /** A history entry with the names of the hosts it names (empty when unknown). */
    public record Step(HistoryEntry entry, String fromHostName, String toHostName) {
    }
}
