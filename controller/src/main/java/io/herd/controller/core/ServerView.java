package io.herd.controller.core;

import io.herd.controller.model.ServerRecord;

/** A server with the name of its host, as the API shows it. */
public record ServerView(ServerRecord server, String hostName) {
}
