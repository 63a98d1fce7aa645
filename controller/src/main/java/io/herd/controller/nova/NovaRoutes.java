package io.herd.controller.nova;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herd.controller.core.ControllerCore;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which call a request is: the compute API's collections under {@code /v2.1} (with or without
 * a project id after the version) and the image API's under {@code /image}. Each call names
 * its policy action (as Nova's policy rules do), whether it changes anything, and what answers it.
 */
final class NovaRoutes {

    static final String GROUPS = "os-server-groups";
    static final String SERVERS = "servers";
    static final String FLAVORS = "flavors";
    private static final Set<String> COLLECTIONS = Set.of(GROUPS, SERVERS, FLAVORS);

    private NovaRoutes() {
    }

    /** What the request asks, once parsed: its body, query, microversion and the base URL for links. */
    record Input(JsonNode body, Map<String, List<String>> query, Microversion version, Links links) {
    }

    /** The answer of a call: a status and a body (null for none). */
    record Answer(int status, ObjectNode body) {
        static Answer ok(ObjectNode body) {
            return new Answer(200, body);
        }

        static Answer noContent() {
            return new Answer(204, null);
        }
    }

    /** Answers one call against the leader's core. */
    interface Action {
        Answer run(ControllerCore core, Input in);
    }

    /**
     * One call.
     *
     * @param action    Nova's policy name of it (os_compute_api:…), for refusals and the audit log
     * @param change    true when it may change something (needs the operator role, audited)
     * @param needsBody true when it reads a JSON body
     */
    record Call(String action, boolean change, boolean needsBody, Action run) {
    }

    /**
     * The call {@code method} on {@code path} is; 404 for a path nothing serves, 405 (naming the
     * methods allowed) for a method the path does not take. Version discovery is not here.
     */
    static Call find(String method, List<String> path) {
        if (path.get(0).equals("image")) {
            return image(method, path.subList(1, path.size()));
        }
        if (!path.get(0).equals("v2.1") || path.size() < 2) {
            throw notFound();
        }
        int at = COLLECTIONS.contains(path.get(1)) ? 1 : 2; // else a project id comes first, and is ignored
        if (path.size() <= at || !COLLECTIONS.contains(path.get(at))) {
            throw notFound();
        }
        List<String> rest = path.subList(at + 1, path.size());
        return switch (path.get(at)) {
            case GROUPS -> groups(method, rest);
            case SERVERS -> servers(method, rest);
            default -> flavors(method, rest);
        };
    }

    private static Call groups(String method, List<String> rest) {
        if (rest.isEmpty()) {
            allow(method, "GET, POST");
            return method.equals("GET")
                    ? read(GROUPS + ":index", (core, in) -> Answer.ok(groups(core).list(in.query(), in.version())))
                    : write(GROUPS + ":create", true, (core, in) -> Answer.ok(groups(core).create(in.body(),
                    in.version())));
        }
        String id = single(rest);
        allow(method, "GET, DELETE");
        return method.equals("GET")
                ? read(GROUPS + ":show", (core, in) -> Answer.ok(groups(core).show(id, in.version())))
                : write(GROUPS + ":delete", false, (core, in) -> {
                    groups(core).delete(id);
                    return Answer.noContent();
                });
    }

    private static Call servers(String method, List<String> rest) {
        if (rest.isEmpty()) {
            allow(method, "GET, POST");
            return method.equals("GET")
                    ? read("servers:index", (core, in) -> Answer.ok(servers(core, in).list(in.query(), false)))
                    : write("servers:create", true, (core, in) -> new Answer(202, servers(core, in).create(in.body())));
        }
        String id = single(rest);
        if (id.equals("detail")) {
            allow(method, "GET");
            return read("servers:detail", (core, in) -> Answer.ok(servers(core, in).list(in.query(), true)));
        }
        allow(method, "GET, DELETE");
        return method.equals("GET")
                ? read("servers:show", (core, in) -> Answer.ok(servers(core, in).show(id)))
                : write("servers:delete", false, (core, in) -> {
                    servers(core, in).delete(id);
                    return Answer.noContent();
                });
    }

    private static Call flavors(String method, List<String> rest) {
        if (rest.isEmpty()) {
            allow(method, "GET, POST");
            return method.equals("GET")
                    ? read("flavors:index", (core, in) -> Answer.ok(flavors(core, in).list(in.query(), false)))
                    : write("os-flavor-manage:create", true, (core, in) -> Answer.ok(flavors(core, in)
                    .create(in.body())));
        }
        if (rest.size() == 2 && rest.get(1).equals("os-extra_specs")) {
            allow(method, "GET");
            String id = rest.get(0);
            return read("os-flavor-extra-specs:index", (core, in) -> Answer.ok(flavors(core, in).extraSpecs(id)));
        }
        String id = single(rest);
        if (id.equals("detail")) {
            allow(method, "GET");
            return read("flavors:detail", (core, in) -> Answer.ok(flavors(core, in).list(in.query(), true)));
        }
        allow(method, "GET, DELETE");
        return method.equals("GET")
                ? read("flavors:show", (core, in) -> Answer.ok(flavors(core, in).show(id)))
                : write("os-flavor-manage:delete", false, (core, in) -> {
                    flavors(core, in).delete(id);
                    return new Answer(202, null);
                });
    }

    /** The image API (Glance v2): its version document, and the image list and show. */
    private static Call image(String method, List<String> rest) {
        allow(method, "GET");
        if (rest.isEmpty()) {
            return read("image:versions", (core, in) -> Answer.ok(ImagesResource.versions(in.links())));
        }
        if (!rest.get(0).equals("v2") || rest.size() < 2 || !rest.get(1).equals("images") || rest.size() > 3) {
            throw notFound();
        }
        if (rest.size() == 2) {
            return read("image:get_images", (core, in) -> Answer.ok(new ImagesResource(core, in.links())
                    .list(in.query())));
        }
        String id = rest.get(2);
        return read("image:get_image", (core, in) -> Answer.ok(new ImagesResource(core, in.links()).show(id)));
    }

    private static ServerGroupsResource groups(ControllerCore core) {
        return new ServerGroupsResource(core.groups());
    }

    private static ServersResource servers(ControllerCore core, Input in) {
        return new ServersResource(core, in.version(), in.links());
    }

    private static FlavorsResource flavors(ControllerCore core, Input in) {
        return new FlavorsResource(core.flavors(), in.version(), in.links());
    }

    private static Call read(String action, Action run) {
        return new Call(action, false, false, run);
    }

    private static Call write(String action, boolean needsBody, Action run) {
        return new Call(action, true, needsBody, run);
    }

    private static String single(List<String> rest) {
        if (rest.size() != 1) {
            throw notFound();
        }
        return rest.get(0);
    }

    /** 405 with Nova's fault unless the method is one of {@code allowed} (comma-separated). */
    private static void allow(String method, String allowed) {
        if (!Arrays.asList(allowed.split(", ")).contains(method)) {
            throw new NovaError(405, "The method " + method + " is not allowed here; allowed: " + allowed + ".")
                    .allowing(allowed);
        }
    }

    private static NovaError notFound() {
        return NovaError.notFound("The resource could not be found.");
    }

    /** An empty object: for the bodies that are nothing but a wrapper. */
    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
