package io.herd.controller.core;

import io.herd.controller.model.HistoryEntry;
import io.herd.controller.placement.Rejection;
import java.time.Duration;
import java.util.Map;

/**
 * What the core tells as it works, for the controller's metrics to count: placement
 * decisions, launch outcomes and retries, servers moved and hosts evacuated, servers turning
 * ACTIVE, store commits. The core knows no metrics library;
 * every method is called on the thread that did the work and must return at once.
 */
public interface CoreMetrics {

    /** Counts nothing: for a core whose work nobody measures. */
    CoreMetrics NONE = new CoreMetrics() {
    };

    /**
     * One decision of the placement engine, for a create or a move.
     *
     * @param placed     every server of the request found a host
     * @param claims     servers placed, each now holding a claim on its host (0 when not placed)
     * @param rejections when not placed, how many hosts each filter turned away
     * @param nanos      how long the decision took, the wait for the inventory's lock included
     */
    default void placementDecided(boolean placed, int claims, Map<Rejection, Integer> rejections, long nanos) {
    }

    /**
     * A launch call to an agent returned.
     *
     * @param succeeded the agent started the domain
     * @param nanos     how long the call took
     */
    default void launchFinished(boolean succeeded, long nanos) {
    }

    /** A server whose launch failed was placed on another host to be tried there. */
    default void launchRetried() {
    }

    /**
     * The store writer wrote a batch in one transaction (or failed to).
     *
     * @param mutations how many changes the batch held
     * @param committed whether the transaction committed
     * @param nanos     how long it took
     */
    default void storeWritten(int mutations, boolean committed, long nanos) {
    }

    /**
     * Servers were placed on other hosts and are launched there: evacuated from a dead host,
     * or migrated (one server, or a host's drain). A launch retried elsewhere is told by
     * {@link #launchRetried} instead.
     *
     * @param why     {@link HistoryEntry.Event#EVACUATED} or {@link HistoryEntry.Event#MIGRATED}
     * @param servers how many moved at once
     */
    default void serversMoved(HistoryEntry.Event why, int servers) {
    }

    /**
     * The evacuation of a DOWN host began: its servers are being placed elsewhere. Told once each
     * time the host goes down, and once more if an operator then evacuates it.
     *
     * @param byOperator an operator evacuated the host, rather than its grace period running out
     */
    default void hostEvacuated(boolean byOperator) {
    }

    /** A host that was up missed its heartbeats long enough to be marked DOWN. */
    default void hostMarkedDown() {
    }

    /**
     * A server created while this controller leads turned ACTIVE for the first time.
     *
     * @param sinceCreated from its creation to now, on the core's clock
     */
    default void serverActivated(Duration sinceCreated) {
    }
}
