package io.herd.controller.core;

/** A server's new state, or its removal, as watchers see it. */
public record ServerChange(Kind kind, ServerView server) {

    public enum Kind { SNAPSHOT, CHANGED, DELETED }
}
