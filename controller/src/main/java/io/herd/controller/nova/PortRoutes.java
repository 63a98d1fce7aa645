package io.herd.controller.nova;

import io.herd.controller.console.ConsoleHandler;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The route label of a request on the compute API and console port, for its metrics: one of
 * a fixed list, whatever the path holds (ids, project ids, unknown paths), so that the label
 * never makes more than a handful of series.
 */
final class PortRoutes {

    /** Version discovery: {@code /} and {@code /v2.1}. */
    static final String VERSIONS = "versions";
    static final String SERVERS = "servers";
    static final String SERVER_GROUPS = "server_groups";
    static final String FLAVORS = "flavors";
    /** The image API: {@code /image/…} and {@code /v2.1/v2/images}. */
    static final String IMAGES = "images";
    /** The web console's pages, assets and JSON calls. */
    static final String CONSOLE = "console";
    /** The web console's server-sent event stream, open as long as a console tab is. */
    static final String CONSOLE_EVENTS = "console_events";
    /** Anything else (answered 404 or 405). */
    static final String OTHER = "other";

    /** The routes whose requests are streams that last minutes, not calls. */
    static final Set<String> STREAMING = Set.of(CONSOLE_EVENTS);

    private static final String EVENTS = ConsoleHandler.PREFIX + "/api/events";

    private PortRoutes() {
    }

    /** The route of a request's path (without its query). */
    static String of(String path) {
        if (path == null) {
            return OTHER;
        }
        if (path.equals(ConsoleHandler.PREFIX) || path.startsWith(ConsoleHandler.PREFIX + "/")) {
            return path.equals(EVENTS) ? CONSOLE_EVENTS : CONSOLE;
        }
        List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        if (parts.isEmpty() || parts.equals(List.of("v2.1"))) {
            return VERSIONS;
        }
        if (parts.get(0).equals("image")) {
            return IMAGES;
        }
        if (!parts.get(0).equals("v2.1")) {
            return OTHER;
        }
        if (parts.get(1).equals("v2")) {
            return IMAGES;
        }
        // a project id may come before the collection
        for (String collection : parts.subList(1, Math.min(parts.size(), 3))) {
            switch (collection) {
                case NovaRoutes.SERVERS -> {
                    return SERVERS;
                }
                case NovaRoutes.GROUPS -> {
                    return SERVER_GROUPS;
                }
                case NovaRoutes.FLAVORS -> {
                    return FLAVORS;
                }
                default -> {
                }
            }
        }
        return OTHER;
    }
}
