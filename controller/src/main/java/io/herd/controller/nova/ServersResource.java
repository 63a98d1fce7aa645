package io.herd.controller.nova;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.herd.api.v1.CreateServersRequest;
import io.herd.common.InvalidFieldException;
import io.herd.controller.api.ServerApi;
import io.herd.controller.core.ControllerCore;
import io.herd.controller.core.ControllerException;
import io.herd.controller.core.CreateServers;
import io.herd.controller.core.HostView;
import io.herd.controller.core.ServerManager;
import io.herd.controller.core.ServerView;
import io.herd.controller.model.FlavorRecord;
import io.herd.controller.model.HostRecord;
import io.herd.controller.model.ServerRecord;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * {@code /v2.1/servers}: create, list ({@code /servers}, {@code /servers/detail}), show and
 * delete herd's servers, the same the gRPC API serves. A create takes a flavor and an image
 * of the catalogue, the {@code group} scheduler hint and {@code min_count}/{@code max_count}
 * as one gang; it answers 202 once the servers are on disk. A create no host can take makes
 * servers in ERROR whose fault says "No valid host was found." with herd's reason, as Nova does.
 */
final class ServersResource {

    private final ControllerCore core;
    private final Microversion version;
    private final Links links;

    ServersResource(ControllerCore core, Microversion version, Links links) {
        this.core = core;
        this.version = version;
        this.links = links;
    }

    /**
     * {@code GET /servers} (brief) and {@code /servers/detail}: newest first; filters name,
     * status, host, image, flavor.
     */
    ObjectNode list(Map<String, List<String>> query, boolean detail) {
        Predicate<ServerRecord> filter = filter(query);
        int limit = Query.nonNegative(query, "limit", ServerGroupsResource.MAX_LIMIT);
        limit = limit == 0 ? ServerGroupsResource.MAX_LIMIT : Math.min(limit, ServerGroupsResource.MAX_LIMIT);
        String marker = Query.last(query, "marker");
        List<ServerView> all = core.servers().list("", "", null).stream().filter(v -> filter.test(v.server()))
                .sorted(Comparator.comparing((ServerView v) -> v.server().createdAt()).reversed()
                        .thenComparing(v -> v.server().id()))
                .toList();
        int from = 0;
        if (marker != null) {
            from = indexOf(all, marker) + 1;
            if (from == 0) {
                throw NovaError.badRequest("marker [" + marker + "] not found");
            }
        }
        List<ServerView> page = all.subList(from, Math.min(all.size(), from + limit));
        ServerFormat format = format();
        ObjectNode root = NovaRoutes.object();
        ArrayNode out = root.putArray("servers");
        page.forEach(v -> out.add(detail ? format.detail(v) : format.brief(v)));
        if (from + limit < all.size() && !page.isEmpty()) {
            String next = page.get(page.size() - 1).server().id();
            root.putArray("servers_links").addObject().put("rel", "next")
                    .put("href", links.base() + "/v2.1/" + ServerGroupsResource.PROJECT_ID + "/servers"
                            + (detail ? "/detail" : "") + "?limit=" + limit + "&marker=" + next);
        }
        return root;
    }

    ObjectNode show(String id) {
        ObjectNode root = NovaRoutes.object();
        root.set("server", format().detail(find(id)));
        return root;
    }

    /** {@code POST /servers}: 202 with the first server's id and links (Nova answers a gang with one). */
    ObjectNode create(JsonNode body) {
        ServerCreateSchema.Create c = ServerCreateSchema.create(body, version);
        FlavorRecord flavor = flavor(c.flavorRef());
        String image = "";
        if (!c.imageRef().isEmpty()) {
            image = ImagesResource.find(core, c.imageRef()).map(ImagesResource.Image::name)
                    .orElseThrow(() -> NovaError.badRequest("Image " + c.imageRef() + " could not be found."));
            if (flavor.diskGib() == 0) {
                throw NovaError.badRequest("Flavor's disk is too small for requested image: flavor " + flavor.name()
                        + " has no root disk, and a server booted from an image needs one; use a flavor with disk.");
            }
        }
        if (!c.groupRef().isEmpty()) {
            try {
                core.groups().get(c.groupRef());
            } catch (ControllerException e) {
                throw e.kind() == ControllerException.Kind.NOT_FOUND
                        ? NovaError.badRequest("Invalid server group: " + e.getMessage()) : NovaError.from(e);
            }
        }
        CreateServersRequest.Builder request = CreateServersRequest.newBuilder().setName(c.name())
                .setVcpus(flavor.vcpus()).setMemoryMib(flavor.memoryMib())
                .setDiskGib(image.isEmpty() ? 0 : flavor.diskGib()).setImage(image).setNetwork(c.network())
                .setGroupId(c.groupRef()).setCount(c.maxCount()).putAllMetadata(c.metadata());
        CreateServers create;
        try {
            create = ServerApi.validate(request.build(), core.flavors()).withFlavor(flavor.name());
        } catch (InvalidFieldException e) {
            throw NovaError.badRequest(e.getMessage());
        } catch (ControllerException e) {
            throw NovaError.from(e);
        }
        ServerManager.Created created;
        try {
            created = core.servers().createOrRecordRefusal(create, c.minCount());
        } catch (ControllerException e) {
            throw NovaError.from(e);
        }
        ServerRecord first = created.servers().get(0).server();
        ObjectNode root = NovaRoutes.object();
        if (c.returnReservationId()) {
            root.put("reservation_id", "r-" + first.id().substring(0, 8));
            return root;
        }
        ObjectNode server = root.putObject("server");
        server.put("id", first.id());
        server.set("links", links.of("servers", first.id()));
        server.put("OS-DCF:diskConfig", "MANUAL");
        server.putArray("security_groups").addObject().put("name", "default");
        return root;
    }

    /** {@code DELETE /servers/{id}}: the server is DELETING on disk, or gone, when it answers. */
    void delete(String id) {
        find(id);
        try {
            core.servers().delete(id);
        } catch (ControllerException e) {
            if (e.kind() == ControllerException.Kind.NOT_FOUND) {
                throw notFound(id);
            }
            throw NovaError.from(e);
        }
    }

    private ServerView find(String id) {
        try {
            return core.servers().get(id);
        } catch (ControllerException e) {
            if (e.kind() == ControllerException.Kind.NOT_FOUND) {
                throw notFound(id);
            }
            throw NovaError.from(e);
        }
    }

    private FlavorRecord flavor(String ref) {
        try {
            return core.flavors().get(ref);
        } catch (ControllerException e) {
            if (e.kind() == ControllerException.Kind.NOT_FOUND) {
                throw NovaError.badRequest("Flavor " + ref + " could not be found.");
            }
            throw NovaError.from(e);
        }
    }

    private ServerFormat format() {
        Map<String, HostRecord> hosts = core.hosts().list().stream().map(HostView::host)
                .collect(Collectors.toMap(HostRecord::id, Function.identity()));
        Map<String, FlavorRecord> flavors = core.flavors().list().stream()
                .collect(Collectors.toMap(FlavorRecord::name, Function.identity(), (a, b) -> a));
        return new ServerFormat(version, links, hosts, flavors);
    }

    /**
     * Nova's list filters that herd can answer: {@code name} (a regular expression searched
     * in the name), {@code status}, {@code host}, {@code image} and {@code flavor} (ids);
     * others, such as {@code all_tenants} or {@code project_id}, match everything here.
     */
    private Predicate<ServerRecord> filter(Map<String, List<String>> query) {
        Predicate<ServerRecord> filter = s -> true;
        String name = Query.last(query, "name");
        if (name != null) {
            Pattern p;
            try {
                p = Pattern.compile(name);
            } catch (PatternSyntaxException e) {
                p = Pattern.compile(Pattern.quote(name));
            }
            Pattern pattern = p;
            filter = filter.and(s -> pattern.matcher(s.name()).find());
        }
        String status = Query.last(query, "status");
        if (status != null) {
            filter = filter.and(s -> ServerFormat.status(s.status()).equalsIgnoreCase(status));
        }
        String host = Query.last(query, "host");
        if (host != null) {
            Map<String, String> names = core.hosts().list().stream().map(HostView::host)
                    .collect(Collectors.toMap(HostRecord::id, HostRecord::name));
            filter = filter.and(s -> host.equals(names.get(s.hostId())));
        }
        String image = Query.last(query, "image");
        if (image != null) {
            String id = image.substring(image.lastIndexOf('/') + 1);
            filter = filter.and(s -> !s.image().isEmpty() && ImagesResource.idOf(s.image()).equals(id));
        }
        String flavor = Query.last(query, "flavor");
        if (flavor != null) {
            String ref = flavor.substring(flavor.lastIndexOf('/') + 1);
            String named = core.flavors().list().stream().filter(f -> f.id().equals(ref)).map(FlavorRecord::name)
                    .findFirst().orElse(ref);
            filter = filter.and(s -> !s.flavor().isEmpty() && s.flavor().equals(named));
        }
        return filter;
    }

    private static int indexOf(List<ServerView> servers, String id) {
        for (int i = 0; i < servers.size(); i++) {
            if (servers.get(i).server().id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private static NovaError notFound(String id) {
        return NovaError.notFound("Instance " + id + " could not be found.");
    }
}
