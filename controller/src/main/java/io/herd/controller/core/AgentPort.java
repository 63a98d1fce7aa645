package io.herd.controller.core;

/** How the core reaches agents. The gRPC implementation lives in {@code io.herd.controller.agents}. */
public interface AgentPort {

    /** Starts the domain; returns once it runs. Idempotent on the server id at the agent. */
    void launch(String agentAddress, LaunchOrder order) throws AgentException;

    /** Stops and removes the domain; a missing domain is not an error. */
    void delete(String agentAddress, String serverId) throws AgentException;

    /**
     * Opens the connection to an agent ahead of its first call (its host registered or came
     * back), so that a launch does not wait for it. Returns at once and throws nothing: an
     * agent that cannot be reached shows at the first call, as without it.
     */
    default void connect(String agentAddress) {
    }

    /**
     * What an agent is told to boot.
     *
     * @param fence whether the agent destroys this domain itself when cut off from the
     *              controller (the server's group evacuates on host failure)
     */
    record LaunchOrder(String serverId, String name, int vcpus, long memoryMib, long diskGib, String image,
                       String groupId, String network, boolean fence) {
    }

    /**
     * The agent refused or could not be reached.
     *
     * @param definite false when the outcome is unknown (unreachable, deadline passed): the
     *                 domain may exist after all
     */
    final class AgentException extends Exception {
        private final boolean definite;

        public AgentException(String message, boolean definite) {
            super(message);
            this.definite = definite;
        }

        public boolean definite() {
            return definite;
        }
    }
}
